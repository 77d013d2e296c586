/**
 * `@metered/core/http`: the HTTP contract of metered (docs/http-api.md) — problem codes, their
 * statuses and titles, problem+json responses, and the JSON bodies of every route with the
 * serialisers that produce them. No zod, no framework, no Node-only API: it runs on the edge and
 * the browser may import its types (`import type`) without carrying server code.
 */
export { isProblemCode, PROBLEM_CODES, PROBLEMS, type ProblemCode, type ProblemStatus } from './http/codes.js'
export {
  DEFAULT_PROBLEM_TYPE_BASE,
  type ProblemBody,
  type ProblemExtensions,
  type ProblemIssue,
  problemType,
  type RateLimitRuleBody,
} from './http/problem-body.js'
export {
  jsonResponse,
  PROBLEM_MEDIA_TYPE,
  type ProblemResponseOptions,
  problemBody,
  problemResponse,
} from './http/problem-response.js'
export {
  balanceBody,
  historyBody,
  loginsBody,
  type ToCredits,
  usageStatsBody,
  userBody,
  usersBody,
} from './http/serialize.js'
export type {
  AutoTopUpSettingsBody,
  BalanceBody,
  CheckoutBody,
  CheckoutStatusBody,
  DeductResultBody,
  EntryType,
  GrantBody,
  GrantResultBody,
  HistoryBody,
  HistoryEntryBody,
  LoginBody,
  LoginsBody,
  PackBody,
  PlanBody,
  ProfileBody,
  UsageBucketBody,
  UsageStatsBody,
  UsageTotalsBody,
  UserBody,
  UserDetailBody,
  UserRoleBody,
  UsersBody,
  WebhookBody,
  WebhookOutcome,
} from './http/wire.js'
