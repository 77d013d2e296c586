/**
 * The few parts of the `stripe` SDK this package calls, typed structurally so that any
 * compatible version of the SDK (or a wrapper around it) fits without a type import from
 * `stripe`. A `new Stripe(key)` instance satisfies it.
 */

/** Per-request options understood by the SDK; only the idempotency key is used here. */
export interface StripeRequestOptions {
  /** Stripe's `Idempotency-Key` header. Default: none. */
  idempotencyKey?: string
}

/** A list page as the SDK returns it. */
export interface StripeList<T> {
  data: T[]
  has_more: boolean
}

/** The fields of a Checkout Session this package reads. */
export interface StripeCheckoutSession {
  id: string
  /** `'open' | 'complete' | 'expired'` */
  status: string | null
  /** `'paid' | 'unpaid' | 'no_payment_required'` */
  payment_status: string
  metadata: Record<string, string> | null
  client_reference_id?: string | null
  amount_total: number | null
  currency: string | null
  /** Set when Adaptive Pricing localised the session: amounts in the currency the session was created in. */
  currency_conversion?: { amount_total: number; source_currency: string } | null
  /** Unix seconds. */
  created: number
  payment_intent?: string | { id: string } | null
  customer?: string | { id: string } | null
  url?: string | null
}

/** The fields of a Stripe Refund the clawback reads. */
export interface StripeRefund {
  id: string
  amount: number
  /** `'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled'` */
  status: string | null
  /** Unix seconds. */
  created: number
}

/** The fields of a Stripe Charge the clawback reads. */
export interface StripeCharge {
  id: string
  amount: number
  amount_refunded: number
  currency: string
  payment_intent?: string | { id: string } | null
  /** The invoice the charge paid (API versions before 2025-03-31; later ones list invoice payments). */
  invoice?: string | { id: string } | null
  refunds?: StripeList<StripeRefund> | null
}

/** The fields of a Stripe Dispute the clawback reads. */
export interface StripeDispute {
  id: string
  charge: string | { id: string }
  payment_intent?: string | { id: string } | null
}

/** A verified webhook event: only the fields used here. */
export interface StripeEvent {
  id: string
  type: string
  data: { object: unknown }
}

/** What `createStripeCredits` needs from the SDK. */
export interface StripeCreditsClient {
  checkout: {
    sessions: {
      /** Creates a Checkout Session. */
      // biome-ignore lint/suspicious/noExplicitAny: the SDK's params type varies by version; we build it ourselves
      create(params: any, options?: StripeRequestOptions): Promise<StripeCheckoutSession>
      /** Reads a Checkout Session. */
      retrieve(id: string): Promise<StripeCheckoutSession>
      /** Lists Checkout Sessions (by payment intent, for refunds and disputes). */
      // biome-ignore lint/suspicious/noExplicitAny: see above
      list(params: any): Promise<StripeList<StripeCheckoutSession>>
    }
  }
  customers: {
    /** Creates a customer. */
    // biome-ignore lint/suspicious/noExplicitAny: see above
    create(params: any, options?: StripeRequestOptions): Promise<{ id: string }>
  }
  charges: {
    /** Reads a charge. */
    retrieve(id: string): Promise<StripeCharge>
  }
  refunds: {
    /** Lists a charge's refunds. */
    // biome-ignore lint/suspicious/noExplicitAny: see above
    list(params: any): Promise<StripeList<StripeRefund>>
  }
  /**
   * Reads the PaymentIntent of a refunded or disputed auto top-up (its metadata names the account
   * and pack). Optional for clients without it; a `new Stripe(key)` instance has it.
   */
  paymentIntents?: {
    /** Reads a PaymentIntent. */
    retrieve(id: string): Promise<unknown>
  }
  /**
   * Finds the invoice a refunded or disputed charge paid (plans, API 2025-03-31 and later, stripe
   * >= 18). Optional for older clients, whose charges name their invoice themselves.
   */
  invoicePayments?: {
    /** Lists invoice payments (by PaymentIntent). */
    // biome-ignore lint/suspicious/noExplicitAny: see above
    list(params: any): Promise<StripeList<{ invoice: string | { id: string } }>>
  }
  /** Reads the invoice of a refunded or disputed plan payment; a `new Stripe(key)` instance has it. */
  invoices?: {
    /** Reads an invoice. */
    retrieve(id: string): Promise<unknown>
  }
  /** Needed only for `portal()` (plans): a `new Stripe(key)` instance has it. */
  billingPortal?: {
    sessions: {
      /** Creates a customer portal session (plans). */
      // biome-ignore lint/suspicious/noExplicitAny: see above
      create(params: any, options?: StripeRequestOptions): Promise<{ url: string }>
    }
  }
  webhooks: {
    /** Verifies a webhook's signature over the raw body and parses the event. */
    constructEventAsync(
      payload: string,
      header: string,
      secret: string,
      tolerance?: number,
      // biome-ignore lint/suspicious/noExplicitAny: crypto provider and receivedAt, unused here
      ...rest: any[]
    ): Promise<StripeEvent>
  }
}

/** The fields of a PaymentIntent this package reads. */
export interface StripePaymentIntent {
  id: string
  status: string
}

/** What automatic top-up needs from the SDK, beside `StripeCreditsClient`. */
export interface StripeTopUpClient {
  paymentIntents: {
    /** Creates (and confirms, off-session) the top-up's PaymentIntent. */
    // biome-ignore lint/suspicious/noExplicitAny: see above
    create(params: any, options?: StripeRequestOptions): Promise<StripePaymentIntent>
  }
  paymentMethods: {
    /** Lists the customer's saved cards. */
    // biome-ignore lint/suspicious/noExplicitAny: see above
    list(params: any): Promise<StripeList<{ id: string }>>
  }
}

/** What `reportUsage` needs from the SDK: Billing meter events (stripe >= 15). */
export interface StripeMeterClient {
  billing: {
    meterEvents: {
      /** Sends one meter event. */
      // biome-ignore lint/suspicious/noExplicitAny: see above
      create(params: any, options?: StripeRequestOptions): Promise<{ identifier: string }>
    }
  }
}

/** The id of an expandable field, whether Stripe sent the id or the expanded object. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value == null) return null
  return typeof value === 'string' ? value : value.id
}
