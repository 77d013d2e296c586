/**
 * `@metered/core`: what an app needs to meter usage (ports, memory stores, the limiter, the
 * metered instance, pricing, errors and the input rules). Every export is listed by name and
 * pinned by packages/core/api/index.api.md (`pnpm check:api`): the adapter kit lives in
 * `@metered/core/adapter`, the HTTP contract in `@metered/core/http`.
 */
export {
  type Clock,
  createManualClock,
  type ManualClock,
  systemClock,
} from './clock.js'
export {
  type Duration,
  type DurationUnit,
  toMs,
} from './duration.js'
export {
  IdempotencyConflictError,
  isMeteredError,
  MeteredError,
  type MeteredErrorCode,
  NotFoundError,
  StoreTimeoutError,
  StoreUnavailableError,
  ValidationError,
  type ValidationIssue,
} from './errors.js'
export {
  checkMetadata,
  isCleanString,
  MAX_METADATA_DEPTH,
  type MetadataCheck,
  stringProblem,
} from './input-rules.js'
export type {
  Amount,
  Balance,
  DebitInput,
  DebitResult,
  Entry,
  EntryType,
  GrantBalance,
  GrantInput,
  GrantResult,
  HistoryOptions,
  HistoryPage,
  Hold,
  Instant,
  InsufficientCredits,
  Ledger,
  LedgerRawReaders,
  Metadata,
  ReleaseInput,
  ReleaseResult,
  ReserveInput,
  ReserveResult,
  RevokeInput,
  RevokeResult,
  SettleInput,
  SettleResult,
  VerifyResult,
} from './ledger/types.js'
export { MAX_BALANCE } from './ledger/types.js'
export { createLimiter } from './limiter/create-limiter.js'
export type {
  LimitContext,
  Limiter,
  LimiterOptions,
  LimitOptions,
  LimitResult,
  RuleResult,
  Rules,
  StoreErrorPolicy,
} from './limiter/limiter-types.js'
export {
  fixedWindow,
  slidingWindow,
  tokenBucket,
} from './limiter/rules.js'
export type {
  ConsumeItem,
  ConsumeRequest,
  ConsumeResult,
  LimiterStore,
  RuleKind,
  RuleSpec,
  RuleState,
} from './limiter/types.js'
export {
  createMemoryStores,
  type MemoryStores,
  type MemoryStoresOptions,
} from './memory/create-memory-stores.js'
export { createMemoryAuthorizer } from './memory/memory-authorizer.js'
export {
  createMemoryLedger,
  type MemoryLedger,
  type MemoryLedgerOptions,
} from './memory/memory-ledger.js'
export {
  createMemoryLimiterStore,
  type MemoryLimiterStore,
  type MemoryLimiterStoreOptions,
} from './memory/memory-limiter-store.js'
export {
  createMemoryUsageStore,
  type MemoryUsageStoreOptions,
} from './memory/memory-usage.js'
export {
  createMemoryUserStore,
  type MemoryUserStoreOptions,
} from './memory/memory-users.js'
export {
  type Allowance,
  type AuthorizeInput,
  type AuthorizeRefusal,
  type AuthorizeResult,
  type Authorizer,
  type AuthorizeStoreInput,
  type AuthorizeStoreResult,
  createMetered,
  type Metered,
  type MeteredEvent,
  type MeteredOptions,
  periodOf,
  type Refusal,
  type RefusalReason,
  type SettleTicketInput,
  type Ticket,
  type TicketSettlement,
} from './metering/index.js'
export {
  type AiSdkUsageLike,
  type AnthropicMessageLike,
  type ChatCompletionLike,
  type Credits,
  type CreditsFormatOptions,
  combine,
  createCredits,
  fixed,
  fromAiSdk,
  fromAnthropic,
  fromChatCompletion,
  fromGoogle,
  fromImages,
  fromResponses,
  type GoogleResponseLike,
  type ImagePrices,
  type ImageQuality,
  type ImageSize,
  type ImagesResponseLike,
  type MeteredUsage,
  OPENAI_PRICES_DATE,
  openaiImagePrices,
  openaiTextPrices,
  openaiToolPrices,
  type Pricer,
  perImage,
  perToken,
  perToolCall,
  type Rational,
  type ResponsesLike,
  rational,
  type TokenPrice,
  type ToUnitsOptions,
} from './pricing/index.js'
export { MAX_ID_LENGTH, textSchema } from './schemas.js'
export { ALL_ACCOUNTS, type AllAccounts } from './usage/all-accounts.js'
export {
  type ExportUsageOptions,
  exportUsage,
} from './usage/export-usage.js'
export type {
  UsageBucket,
  UsageEvent,
  UsageEventInput,
  UsageListQuery,
  UsagePage,
  UsageStats,
  UsageStatsQuery,
  UsageStatus,
  UsageStore,
} from './usage/types.js'
export type {
  Login,
  LoginInput,
  LoginPage,
  Role,
  UserListQuery,
  UserPage,
  UserProfile,
  UserProfileInput,
  UserStore,
} from './users/types.js'
