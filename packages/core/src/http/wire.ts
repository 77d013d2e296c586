/**
 * The JSON bodies metered's routes send (docs/http-api.md), shared by the server that writes them
 * and the client that reads them. Amounts are credits (decimals when units are finer than credits;
 * ledger units never leave the server except as `unitsPerCredit`), times are epoch milliseconds.
 */

/** One live grant of a balance, in spending order. */
export interface GrantBody {
  id: string
  source: string
  remaining: number
  expiresAt: number | null
}

/** `GET /api/credits/balance`; also the `balance` of `GET /api/admin/users/<id>`. */
export interface BalanceBody {
  account: string
  available: number
  held: number
  unitsPerCredit: number
  grants: GrantBody[]
}

/** The kinds of history entries on the wire, as in the ledger. */
export type EntryType = 'grant' | 'debit' | 'expire' | 'revoke'

/** One line of a history; `amount` is signed credits (grants add, debits take). */
export interface HistoryEntryBody {
  id: string
  type: EntryType
  amount: number
  reason: string
  createdAt: number
}

/** `GET /api/credits/history`, newest first. */
export interface HistoryBody {
  entries: HistoryEntryBody[]
  nextCursor: string | null
}

/** The sums of a usage bucket. */
export interface UsageTotalsBody {
  events: number
  /** Credits. */
  amount: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  quantity: number
  errors: number
}

export interface UsageBucketBody extends UsageTotalsBody {
  /** Start of the bucket, aligned to UTC hours or days. */
  start: number
  /** The feature when split `by=feature`, else null. */
  feature: string | null
}

/** `GET /api/profile/usage`: only buckets with events, ordered by start then feature; echoes the query. */
export interface UsageStatsBody {
  from: number
  to: number
  bucket: 'hour' | 'day'
  buckets: UsageBucketBody[]
  totals: UsageTotalsBody
}

/** A user as the routes show it (`GET /api/admin/users`, `GET /api/profile`). */
export interface UserBody {
  id: string
  email: string | null
  name: string | null
  image: string | null
  role: 'admin' | 'user'
  plan: string | null
  createdAt: number
  updatedAt: number
  lastLoginAt: number | null
  loginCount: number
}

/** `GET /api/admin/users`, newest first. */
export interface UsersBody {
  users: UserBody[]
  nextCursor: string | null
}

/** `GET /api/admin/users/<id>`. */
export interface UserDetailBody {
  user: UserBody
  balance: BalanceBody
}

/** `POST /api/admin/users/<id>/role`. */
export interface UserRoleBody {
  user: UserBody
}

/** One sign-in. */
export interface LoginBody {
  id: string
  userId: string
  provider: string
  ip: string | null
  userAgent: string | null
  at: number
}

/** `GET /api/profile/logins`, newest first. */
export interface LoginsBody {
  logins: LoginBody[]
  nextCursor: string | null
}

/** `GET /api/profile`. */
export interface ProfileBody {
  user: UserBody
  balance: { available: number; held: number }
}

/** `POST /api/credits/grant`. */
export interface GrantResultBody {
  ok: true
  grantId: string
  available: number
  replayed: boolean
}

/** `POST /api/credits/deduct` (a refusal is a 402 problem). */
export interface DeductResultBody {
  ok: true
  available: number
  replayed: boolean
}

/** A credit pack as a pricing page shows it: nothing secret. */
export interface PackBody {
  id: string
  name: string
  description: string | null
  credits: number
  bonus: number
  /** Minor units, or null when only a Stripe price id was configured. */
  unitAmount: number | null
  currency: string | null
}

/** A subscription plan as the pricing page shows it (`createStripeCredits(...).plans`). */
export interface PlanBody {
  id: string
  name: string
  description: string | null
  /** Credits granted per paid period. */
  credits: number
  /** Price per period in minor units, or null when not configured for display. */
  unitAmount: number | null
  currency: string | null
  interval: 'day' | 'week' | 'month' | 'year'
}

/** A checkout route's answer (`POST /api/checkout` -> `{ url }`): the browser goes there. */
export interface CheckoutBody {
  url: string
}

/** The status of a Checkout Session for the success page. */
export interface CheckoutStatusBody {
  /**
   * - `granted`: the credits are in the account.
   * - `processing`: paid or payment pending (bank debits take days); the webhook has not granted yet.
   * - `unpaid`: the session is still open (the buyer came back without paying).
   * - `expired`: the session expired unpaid.
   * - `refused`: paid, but the webhook refuses to grant it (see `reason`); an operator has to look.
   * - `not_found`: no such session for this account. A session of another account, one that does
   *   not exist and one metered did not create all answer exactly this (`credits: 0`,
   *   `pack: null`), so the page tells nothing about other accounts.
   */
  status: 'granted' | 'processing' | 'unpaid' | 'expired' | 'refused' | 'not_found'
  /** With `refused`: the amount paid is below the pack's price, or the pack left the catalog. */
  reason?: 'amount_mismatch' | 'unknown_pack'
  sessionId: string
  /** Credits of the pack, bonus included; of a plan, what each paid period grants. */
  credits: number
  pack: PackBody | null
  /**
   * Present for a subscription checkout (`subscribe`): the plan, or null when it left the catalog.
   * `granted` then means the subscription's first invoice was granted.
   */
  plan?: PlanBody | null
}

/** What the Stripe webhook did with an event. */
export type WebhookOutcome =
  | 'granted'
  | 'already_granted'
  | 'unpaid'
  | 'not_metered'
  | 'unknown_pack'
  | 'amount_mismatch'
  | 'revoked'
  | 'not_granted'
  | 'restored'
  | 'top_up_failed'
  | 'subscribed'
  | 'unknown_plan'
  | 'payment_failed'
  | 'plan_ended'
  | 'ignored'

/**
 * The Stripe webhook's 200 answer. `revoked` (units taken back now) and `pending` (units held when
 * the event landed, taken back when their hold closes) come with `revoked`; `restored` (units
 * granted back after a failed refund) with `restored`.
 */
export interface WebhookBody {
  received: true
  outcome: WebhookOutcome
  revoked?: number
  pending?: number
  restored?: number
}

/**
 * An account's automatic top-up settings (`GET`/`PUT` of the settings route). `threshold` is in
 * credits; `paused` says why a charge was refused and the setting stopped itself (declined card,
 * authentication required, no saved card, pack gone): saving with `enabled: true` resumes it.
 */
export interface AutoTopUpSettingsBody {
  enabled: boolean
  threshold: number
  packId: string | null
  paused: 'card_declined' | 'authentication_required' | 'no_payment_method' | 'unknown_pack' | null
}
