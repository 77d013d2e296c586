export type { AutoTopUp, TopUpCheckOutcome } from './auto-top-up/auto-top-up.js'
export { createMemoryTopUpStore } from './auto-top-up/memory-top-up-store.js'
export type { AutoTopUpOptions, AutoTopUpSettingsInput } from './auto-top-up/options.js'
export {
  createPostgresTopUpStore,
  type PostgresQueryable,
  type PostgresTopUpStore,
  type PostgresTopUpStoreOptions,
} from './auto-top-up/postgres-top-up-store.js'
export {
  createRedisTopUpStore,
  type RedisEvalClient,
  type RedisTopUpStoreOptions,
} from './auto-top-up/redis-top-up-store.js'
export type {
  AutoTopUpRecord,
  AutoTopUpSettingsRecord,
  AutoTopUpStore,
  TopUpClaim,
  TopUpClaimRequest,
  TopUpPauseReason,
} from './auto-top-up/store.js'
export type { CheckoutInput, CheckoutResult } from './checkout.js'
export type { CheckoutStatus } from './checkout-status.js'
export type {
  StripeCreditsOptions,
  StripeCustomerStore,
  StripeMeteredParts,
  StripeMeteredSource,
} from './config.js'
export { createStripeCredits, type StripeCredits } from './create-stripe-credits.js'
export { createDevStripe, type DevStripe, type DevStripeOptions } from './dev/dev-stripe.js'
export type { ClawbackGrant, StripeCreditsEvent, StripeCreditsHooks, StripeErrorContext } from './hooks.js'
export { disputeKey, grantKey, META_ACCOUNT, META_PACK, META_TOP_UP, refundKey, topUpKey } from './keys.js'
export type { CreditPack, PublicPack } from './packs.js'
export type { SubscribeInput } from './plan-checkout.js'
export { META_PLAN, planGrantKey } from './plan-keys.js'
export type { PortalInput, PortalResult } from './plan-portal.js'
export type { CreditPlan, PublicPlan } from './plans.js'
export { type ReportUsageInput, reportUsage } from './report-usage.js'
export type {
  StripeCharge,
  StripeCheckoutSession,
  StripeCreditsClient,
  StripeDispute,
  StripeEvent,
  StripeList,
  StripeMeterClient,
  StripePaymentIntent,
  StripeRefund,
  StripeRequestOptions,
  StripeTopUpClient,
} from './stripe-client.js'
export type { WebhookOutcome } from './webhook.js'
