/**
 * `@metered/next`: the server side of metered for Next.js (wrappers, routes, auth glue, problem
 * helpers, the proxy). Every export is listed by name and pinned by packages/next/api/index.api.md
 * (`pnpm check:api`).
 */
export { meteredChatCompletionsStream } from './ai/chat-completions-stream.js'
export { estimateChatCompletions, estimateResponses } from './ai/estimate.js'
export { meteredResponsesStream } from './ai/responses-stream.js'
export {
  type AuthOptionsLike,
  type AuthUserLike,
  type BetterAuthHookContextLike,
  type BetterAuthLike,
  type BetterAuthSessionLike,
  type BetterAuthSessionRowLike,
  type BetterAuthUserRowLike,
  type BetterAuthUsersLike,
  betterAuthIdentify,
  betterAuthProvider,
  DEV_IDENTITY_HEADER,
  type DevIdentityOptions,
  devIdentity,
  type JwtParamsLike,
  type MeteredAuth,
  type MeteredAuthOptions,
  type MeteredAuthParts,
  type MeteredAuthSource,
  type MeteredBetterAuthOptions,
  type MeteredBetterAuthPlugin,
  type MeteredSessionUser,
  mergeAuthOptions,
  meteredAuth,
  meteredBetterAuth,
  type SessionLikeObject,
  type SessionParamsLike,
  type SignInMessageLike,
  type SignInRequestInfo,
  type TokenLike,
} from './auth/index.js'
export {
  createMeteredNext,
  type MeteredNext,
} from './create-metered-next.js'
export {
  createProxy,
  type MeteredProxy,
  type ProxyMatcher,
  type ProxyOptions,
} from './proxy/index.js'
export {
  type AutoTopUpSettingsSource,
  type CatchAllContext,
  type CatchAllHandler,
  type CatchAllHandlers,
  createAdminRoutes,
  createAutoTopUpRoutes,
  createCreditRoutes,
  createProfileRoutes,
  type RouteFactoryOptions,
  type RoutesDeps,
} from './routes/index.js'
export type {
  ActionContext,
  ActionEstimate,
  ActionHandler,
  ActionRefusal,
  ActionResult,
  MeteredAction,
  WithCreditsActionOptions,
} from './server/action-types.js'
export type { After } from './server/after.js'
export { type ClientIp, clientIpFor, defaultClientIp, type TrustProxy } from './server/client-ip.js'
export {
  accountOf,
  authjs,
  type Identify,
  type Identity,
  identityFromSession,
  nextAuthV4,
  type SessionLike,
} from './server/identify.js'
export {
  createProblems,
  defaultProblems,
  type ErrorProblemOptions,
  errorProblem,
  forbidden,
  type IssueLike,
  insufficientCredits,
  internalError,
  invalidInput,
  methodNotAllowed,
  notFound,
  type Problems,
  payloadTooLarge,
  problem,
  rateLimited,
  storeUnavailable,
  unauthenticated,
  validationProblem,
} from './server/problem.js'
export type { StandardSchemaLike } from './server/schema.js'
export type {
  AbortPolicy,
  AnonymousPolicy,
  BodyOf,
  ChargeInput,
  CreateMeteredNextOptions,
  CreditsContext,
  CreditsHandler,
  EstimateOption,
  LimitKeyOption,
  MeteredNextCore,
  MeteredNextOptions,
  RateLimitContext,
  RateLimitHandler,
  RouteContext,
  RouteHandler,
  RouteParams,
  WithCreditsOptions,
  WithRateLimitOptions,
} from './server/types.js'
