import type {
  StripeCharge,
  StripeCheckoutSession,
  StripeCreditsClient,
  StripeEvent,
  StripePaymentIntent,
  StripeRefund,
  StripeRequestOptions,
  StripeTopUpClient,
} from '../stripe-client.js'
import { DEV_STRIPE_REFUSED, devStripeMode, processEnv } from './production-guard.js'
import { signPayload, verifyPayload } from './signature.js'

/** Options of `createDevStripe`. */
export interface DevStripeOptions {
  /**
   * Where `checkout()` sends the browser in development: your own "pay" page, which calls
   * `dev.pay(sessionId)` and hands the result to `credits.webhook()`.
   * @example (id) => `http://localhost:3000/checkout/dev?session_id=${id}`
   */
  checkoutUrl: (sessionId: string) => string
  /** @default a random `whsec_dev_...` */
  webhookSecret?: string
  /**
   * Amounts of packs that name a dashboard `price` (there is no dashboard in development).
   * Default: none (such a session has no amount, and the amount check cannot run).
   */
  prices?: Record<string, { unitAmount: number; currency: string }>
  /**
   * With `NODE_ENV=production` every call of the development client throws (creating it does
   * not, so a production build without keys still succeeds), so a missing key in a deployment
   * cannot turn purchases into free credits. `true` lifts that (a staging demo).
   * @default false
   */
  allowInProduction?: boolean
  /**
   * Receives the events Stripe sends by itself, with no buyer on a page: the first `invoice.paid`
   * of a subscription paid with `pay`, and the `payment_intent.succeeded` of an off-session charge
   * (automatic top-up). Each is a signed delivery for `credits.webhook()`, sent after the call that
   * caused it has answered, as Stripe's webhooks arrive after its API responses.
   * Default: none; the deliveries wait in `takeDeliveries()`.
   * @example deliver: (delivery) => credits.webhook(delivery)
   */
  deliver?: (delivery: Request) => unknown
  /**
   * Where the customer portal link leads in development (there is no hosted portal).
   * Default: straight back to the portal session's `return_url`.
   */
  portalUrl?: (customerId: string) => string
}

/** What `createDevStripe` returns: a Stripe stand-in for development, and how to pay its sessions. */
export interface DevStripe {
  /** Pass as `stripe` to `createStripeCredits`: also has what plans (portal) and automatic top-up use. */
  client: StripeCreditsClient & StripeTopUpClient & Required<Pick<StripeCreditsClient, 'billingPortal'>>
  /** Pass as `webhookSecret` to `createStripeCredits`. */
  webhookSecret: string
  /**
   * The buyer pays: completes the session and returns the signed `checkout.session.completed`
   * delivery. A subscription session also starts its subscription and pays the first invoice,
   * whose `invoice.paid` goes to `deliver`; the card is saved on the customer for off-session
   * charges (as is a pack's, when Checkout was asked to keep it).
   */
  pay(sessionId: string): Promise<Request>
  /** Deliveries made while no `deliver` option was set, oldest first; taking them empties the list. */
  takeDeliveries(): Request[]
  /** Refunds the session's charge (all that is left, or `amount` minor units): a signed `charge.refunded` delivery. */
  refund(sessionId: string, amount?: number): Promise<Request>
  /** Disputes the session's charge: a signed `charge.dispute.created` delivery. */
  dispute(sessionId: string): Promise<Request>
  /** A session created through the client, for the development pay page. */
  session(sessionId: string): StripeCheckoutSession | undefined
}

type Json = Record<string, unknown>

/**
 * An in-memory stand-in for Stripe, for running an app with no Stripe account: Checkout
 * Sessions, customers, charges and refunds live in this process, and `pay`/`refund`/`dispute`
 * produce webhook deliveries signed with Stripe's scheme. Handing them to `credits.webhook()`
 * runs the production path (signature check, grant keyed by session, clawback), so what works
 * in development works the same once real keys are set. Never for production.
 *
 * @example
 * const dev = createDevStripe({ checkoutUrl: (id) => `${appUrl}/checkout/dev?session_id=${id}` })
 * const credits = createStripeCredits({ stripe: dev.client, webhookSecret: dev.webhookSecret, ... })
 * // app/checkout/dev page, on "Pay": await credits.webhook(await dev.pay(sessionId))
 */
export function createDevStripe(options: DevStripeOptions): DevStripe {
  // Checked at each call, never at creation: modules are evaluated by `next build` (production,
  // no keys in CI), and a throw there would fail the build of an app that never serves from it.
  const allowInProduction = options.allowInProduction ?? false
  const allowed = () => {
    if (devStripeMode(processEnv(), allowInProduction) !== 'serve') {
      throw Object.assign(new Error(DEV_STRIPE_REFUSED), { name: 'DevStripeRefusedError' })
    }
  }
  // A production server without keys: say so at start-up, not only at the first purchase.
  if (devStripeMode(processEnv(), allowInProduction) === 'refuse')
    console.warn(`[metered/stripe] ${DEV_STRIPE_REFUSED}`)
  const webhookSecret = options.webhookSecret ?? `whsec_dev_${randomId(24)}`
  const sessions = new Map<string, StripeCheckoutSession & Json>()
  const charges = new Map<string, StripeCharge & Json>()
  const intents = new Map<string, StripePaymentIntent & Json>()
  const refunds: (StripeRefund & { charge: string })[] = []
  const replies = new Map<string, unknown>()
  /** What a subscription session was created with, for the subscription `pay` starts. */
  const subscriptionParams = new Map<string, { price: string; quantity: number; metadata: Record<string, string> }>()
  /** Sessions whose card Checkout keeps for later (`setup_future_usage`). */
  const keepsCard = new Set<string>()
  /** The saved card of each customer. */
  const cards = new Map<string, string>()
  const undelivered: Request[] = []
  const now = () => Math.floor(Date.now() / 1000)

  /** Stripe's idempotency: the same key returns the first answer. */
  function once<T>(scope: string, opts: StripeRequestOptions | undefined, make: () => T): T {
    const key = opts?.idempotencyKey ? `${scope}|${opts.idempotencyKey}` : null
    if (key && replies.has(key)) return structuredClone(replies.get(key)) as T
    const made = make()
    if (key) replies.set(key, structuredClone(made))
    return made
  }

  function notFound(what: string): Error {
    return Object.assign(new Error(`No such ${what}`), {
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
    })
  }

  function sessionOrThrow(id: string) {
    const s = sessions.get(id)
    if (!s) throw notFound(`checkout session: '${id}'`)
    return s
  }

  function chargeOf(sessionId: string) {
    const pi = sessionOrThrow(sessionId).payment_intent
    const charge = [...charges.values()].find((c) => c.payment_intent === pi)
    if (!charge) throw notFound(`charge for session '${sessionId}' (pay it first)`)
    return charge
  }

  async function delivery(type: string, object: unknown): Promise<Request> {
    const event: StripeEvent & Json = {
      id: `evt_dev_${randomId(12)}`,
      object: 'event',
      created: now(),
      livemode: false,
      type,
      data: { object: structuredClone(object) },
    }
    const payload = JSON.stringify(event)
    return new Request('http://localhost/api/webhooks/stripe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': await signPayload(payload, webhookSecret) },
      body: payload,
    })
  }

  /** An event Stripe sends by itself: after the current call has answered, like a real webhook. */
  function send(type: string, object: unknown): void {
    const made = delivery(type, object)
    setTimeout(async () => {
      const request = await made
      if (!options.deliver) return void undelivered.push(request)
      try {
        await options.deliver(request)
      } catch (error) {
        console.error(`[metered/stripe] development delivery of ${type} failed:`, error)
      }
    }, 0)
  }

  function saveCard(customer: string): void {
    if (!cards.has(customer)) cards.set(customer, `pm_dev_${randomId(12)}`)
  }

  /** Starts the subscription of a paid subscription session and pays its first invoice. */
  async function subscribe(session: StripeCheckoutSession & Json): Promise<void> {
    const params = subscriptionParams.get(session.id)
    if (!params) return
    const customer = (session.customer as string | null) ?? (await client.customers.create({})).id
    saveCard(customer)
    const subscription = `sub_dev_${randomId(12)}`
    Object.assign(session, { customer, subscription })
    const start = now()
    const price = options.prices?.[params.price]
    send('invoice.paid', {
      id: `in_dev_${randomId(16)}`,
      object: 'invoice',
      billing_reason: 'subscription_create',
      customer,
      status: 'paid',
      amount_paid: (price?.unitAmount ?? 0) * params.quantity,
      currency: price?.currency ?? 'usd',
      parent: { type: 'subscription_details', subscription_details: { subscription, metadata: params.metadata } },
      lines: {
        data: [
          {
            id: `il_dev_${randomId(12)}`,
            quantity: params.quantity,
            period: { start, end: start + 30 * 86_400 },
            pricing: { price_details: { price: params.price } },
            parent: { subscription_item_details: { proration: false } },
          },
        ],
      },
    })
  }

  const client: DevStripe['client'] = {
    checkout: {
      sessions: {
        async create(params: Json, opts) {
          allowed()
          return once('sessions', opts, () => {
            const item = ((params.line_items as Json[] | undefined)?.[0] ?? {}) as Json
            const inline = item.price_data as { unit_amount?: number; currency?: string } | undefined
            const known = typeof item.price === 'string' ? options.prices?.[item.price] : undefined
            const id = `cs_dev_${randomId(16)}`
            const quantity = typeof item.quantity === 'number' ? item.quantity : 1
            const unitAmount = inline?.unit_amount ?? known?.unitAmount ?? null
            if (params.mode === 'subscription' && typeof item.price === 'string') {
              const metadata = (params.subscription_data as { metadata?: Record<string, string> } | undefined)?.metadata
              subscriptionParams.set(id, { price: item.price, quantity, metadata: { ...(metadata ?? {}) } })
            }
            const intentData = params.payment_intent_data as { setup_future_usage?: string } | undefined
            if (intentData?.setup_future_usage) keepsCard.add(id)
            const session = {
              id,
              object: 'checkout.session',
              mode: (params.mode as string | undefined) ?? 'payment',
              subscription: null,
              status: 'open',
              payment_status: 'unpaid',
              metadata: { ...((params.metadata as Record<string, string> | undefined) ?? {}) },
              client_reference_id: (params.client_reference_id as string | undefined) ?? null,
              amount_total: unitAmount === null ? null : unitAmount * quantity,
              currency: inline?.currency ?? known?.currency ?? null,
              currency_conversion: null,
              created: now(),
              payment_intent: null,
              customer: (params.customer as string | undefined) ?? null,
              url: options.checkoutUrl(id),
            }
            sessions.set(id, session)
            return structuredClone(session)
          })
        },
        async retrieve(id) {
          allowed()
          return structuredClone(sessionOrThrow(id))
        },
        async list(params: { payment_intent?: string }) {
          allowed()
          const data = [...sessions.values()].filter(
            (s) => !params.payment_intent || s.payment_intent === params.payment_intent,
          )
          return { data: structuredClone(data), has_more: false }
        },
      },
    },
    customers: {
      async create(params: Json, opts) {
        allowed()
        return once('customers', opts, () => ({ id: `cus_dev_${randomId(12)}`, object: 'customer', ...params }))
      },
    },
    charges: {
      async retrieve(id) {
        allowed()
        const charge = charges.get(id)
        if (!charge) throw notFound(`charge: '${id}'`)
        return structuredClone(charge)
      },
    },
    refunds: {
      async list(params: { charge?: string }) {
        allowed()
        const data = refunds.filter((r) => !params.charge || r.charge === params.charge).reverse()
        return { data: structuredClone(data), has_more: false }
      },
    },
    paymentMethods: {
      async list(params: { customer?: string }) {
        allowed()
        const card = params.customer ? cards.get(params.customer) : undefined
        return { data: card ? [{ id: card, object: 'payment_method', type: 'card' }] : [], has_more: false }
      },
    },
    paymentIntents: {
      // An off-session charge of a saved card: it succeeds, and Stripe then sends its webhook.
      async create(params: Json, opts) {
        allowed()
        return once('payment_intents', opts, () => {
          const customer = params.customer as string | undefined
          if (!customer || !cards.has(customer) || cards.get(customer) !== params.payment_method) {
            throw notFound(`payment method '${String(params.payment_method)}' on customer '${String(customer)}'`)
          }
          const intent: StripePaymentIntent & Json = {
            id: `pi_dev_${randomId(16)}`,
            object: 'payment_intent',
            status: 'succeeded',
            amount: params.amount as number,
            amount_received: params.amount as number,
            currency: params.currency as string,
            customer,
            payment_method: params.payment_method,
            description: (params.description as string | undefined) ?? null,
            metadata: { ...((params.metadata as Record<string, string> | undefined) ?? {}) },
            created: now(),
            last_payment_error: null,
          }
          const chargeId = `ch_dev_${randomId(16)}`
          charges.set(chargeId, {
            id: chargeId,
            object: 'charge',
            amount: intent.amount_received as number,
            amount_refunded: 0,
            currency: intent.currency as string,
            payment_intent: intent.id,
            refunded: false,
          })
          intents.set(intent.id, intent)
          send('payment_intent.succeeded', intent)
          return intent
        })
      },
      // What a refund of a top-up reads to find the account and pack it granted.
      async retrieve(id: string) {
        allowed()
        const intent = intents.get(id)
        if (!intent) throw notFound(`payment_intent: '${id}'`)
        return structuredClone(intent)
      },
    },
    billingPortal: {
      sessions: {
        async create(params: { customer: string; return_url?: string }) {
          allowed()
          const url = options.portalUrl?.(params.customer) ?? params.return_url ?? ''
          return { id: `bps_dev_${randomId(12)}`, object: 'billing_portal.session', customer: params.customer, url }
        },
      },
    },
    webhooks: {
      async constructEventAsync(payload, header, secret, tolerance) {
        allowed()
        await verifyPayload(payload, header, secret, tolerance)
        return JSON.parse(payload) as StripeEvent
      },
    },
  }

  return {
    client,
    webhookSecret,
    session: (id) => {
      allowed()
      const s = sessions.get(id)
      return s ? structuredClone(s) : undefined
    },
    async pay(sessionId) {
      allowed()
      const session = sessionOrThrow(sessionId)
      if (session.status === 'open' && session.mode === 'subscription') {
        Object.assign(session, { status: 'complete', payment_status: 'paid' })
        await subscribe(session)
      } else if (session.status === 'open') {
        const pi = `pi_dev_${randomId(16)}`
        Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: pi })
        const charge = {
          id: `ch_dev_${randomId(16)}`,
          object: 'charge',
          amount: session.amount_total ?? 0,
          amount_refunded: 0,
          currency: session.currency ?? 'usd',
          payment_intent: pi,
          refunded: false,
        }
        charges.set(charge.id, charge)
        if (keepsCard.has(session.id) && typeof session.customer === 'string') saveCard(session.customer)
      }
      return delivery('checkout.session.completed', session)
    },
    takeDeliveries: () => undelivered.splice(0),
    async refund(sessionId, amount) {
      allowed()
      const charge = chargeOf(sessionId)
      const left = charge.amount - charge.amount_refunded
      const value = Math.min(amount ?? left, left)
      refunds.push({
        id: `re_dev_${randomId(16)}`,
        amount: value,
        status: 'succeeded',
        created: now(),
        charge: charge.id,
      })
      charge.amount_refunded += value
      charge.refunded = charge.amount_refunded === charge.amount
      return delivery('charge.refunded', charge)
    },
    async dispute(sessionId) {
      allowed()
      const charge = chargeOf(sessionId)
      return delivery('charge.dispute.created', {
        id: `du_dev_${randomId(16)}`,
        object: 'dispute',
        charge: charge.id,
        payment_intent: charge.payment_intent,
        amount: charge.amount,
      })
    },
  }
}

function randomId(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
}
