/**
 * What the webhook decided that an operator should know about: a paid session it refused to grant,
 * a refund or dispute it could not claw back, a clawback waiting on credits held by a call in
 * flight. The webhook answers Stripe 200 for all of them (retrying would decide the same). Events
 * carry ids and amounts, never secrets, signatures or request bodies.
 */
export type StripeCreditsEvent =
  /** A paid session names a pack that is not in the catalog; nothing was granted. */
  | { type: 'grant_refused'; reason: 'unknown_pack'; sessionId: string; packId: string }
  /** A paid session was paid below its pack's price or in another currency; nothing was granted. */
  | {
      type: 'grant_refused'
      reason: 'amount_mismatch'
      sessionId: string
      packId: string
      expected: { amount: number | null; currency: string | null }
      paid: { amount: number | null; currency: string | null }
    }
  /** A paid plan invoice names no price of the plan catalog; nothing was granted. */
  | {
      type: 'grant_refused'
      reason: 'unknown_plan'
      invoiceId: string
      subscriptionId: string
      prices: string[]
    }
  /** A plan's invoice was not paid (a declined renewal): nothing was granted for the period. */
  | {
      type: 'plan_payment_failed'
      account: string
      invoiceId: string
      subscriptionId: string
      planId: string | null
      attemptCount: number | null
      /** When Stripe retries, Unix seconds; null when it will not (the subscription then ends or goes unpaid). */
      nextPaymentAttempt: number | null
    }
  /** A plan's subscription ended: no further period is billed, so no further credits are granted. */
  | { type: 'plan_ended'; account: string; subscriptionId: string; planId: string | null }
  /**
   * A refund or dispute found credits held by a call in flight: `revoked` units were taken now,
   * `pending` units are taken when the hold closes (what the call consumes stays spent).
   */
  | ({
      type: 'clawback_pending'
      account: string
      reason: 'refund' | 'dispute'
      revoked: number
      pending: number
      stripeChargeId?: string
      stripeDisputeId?: string
    } & ClawbackGrant)
  /** A refund or dispute of a pack (or a top-up's pack) that left the catalog; nothing was revoked. */
  | ({ type: 'clawback_refused'; reason: 'unknown_pack'; packId: string } & ClawbackGrant)
  /** A refund or dispute of a plan invoice that names no price of the plan catalog; nothing was revoked. */
  | { type: 'clawback_refused'; reason: 'unknown_plan'; source: 'plan'; invoiceId: string }
  /**
   * An auto top-up charge was refused (declined card, authentication required, no saved card, or
   * its pack left the catalog): nothing was granted and the account's auto top-up is paused until
   * the user enables it again.
   */
  | {
      type: 'top_up_failed'
      account: string
      reason: 'card_declined' | 'authentication_required' | 'no_payment_method' | 'unknown_pack'
      packId: string
      paymentIntentId: string | null
    }
  /** A paid auto top-up whose pack left the catalog or was paid below its price; nothing was granted. */
  | {
      type: 'top_up_refused'
      reason: 'unknown_pack' | 'amount_mismatch'
      account: string
      packId: string
      paymentIntentId: string
    }
  /** A refund or dispute of a payment that was never granted (and cannot be); nothing was revoked. */
  | ({
      type: 'clawback_refused'
      reason: 'not_granted'
      grant: 'unpaid' | 'not_metered' | 'unknown_pack' | 'amount_mismatch' | 'unknown_plan' | 'ignored'
    } & ClawbackGrant)

/**
 * The grant a refund or dispute is about, by what bought it (the ledger grant's `source`): a pack
 * at Checkout (its session), an automatic top-up (its PaymentIntent), or a plan's period (its invoice).
 */
export type ClawbackGrant =
  | { source: 'purchase'; sessionId: string }
  | { source: 'auto_top_up'; paymentIntentId: string }
  | { source: 'plan'; invoiceId: string }

/** Where a failure `onError` sees happened, and what was done about it. */
export interface StripeErrorContext {
  /** What failed and what happened next, e.g. `'webhook event failed; Stripe will retry it'`. */
  message: string
  /** Ids of the Stripe objects involved (event, session, pack, idempotency key). */
  [id: string]: unknown
}

/** The two hooks of `createStripeCredits`: decisions (`onEvent`) and handled failures (`onError`). */
export interface StripeCreditsHooks {
  /**
   * Decisions an operator should see (see `StripeCreditsEvent`). Errors thrown here are ignored.
   * @default console.warn
   */
  onEvent?: (event: StripeCreditsEvent) => void | Promise<void>
  /**
   * Failures metered handled without failing the webhook's money path: an event answered 500 for
   * Stripe to retry (the ledger or Stripe was down), or an idempotency conflict kept as it was (the
   * catalog changed between a grant and its replay). Errors thrown here are ignored.
   * @default console.error
   */
  onError?: (error: unknown, context: StripeErrorContext) => void
}

export interface Reporter {
  event(event: StripeCreditsEvent): void
  error(error: unknown, context: StripeErrorContext): void
}

/** The hooks, made safe to call: a throwing or rejecting hook never breaks a webhook. */
export function createReporter(hooks: StripeCreditsHooks): Reporter {
  const onEvent = hooks.onEvent ?? ((event) => console.warn(`[metered/stripe] ${event.type}`, event))
  const onError =
    hooks.onError ?? ((error, context) => console.error(`[metered/stripe] ${context.message}`, context, error))
  return {
    event(event) {
      try {
        Promise.resolve(onEvent(event)).catch(() => {})
      } catch {
        // an app's hook must never change what the webhook answers Stripe
      }
    },
    error(error, context) {
      try {
        onError(error, context)
      } catch {
        // as above
      }
    },
  }
}
