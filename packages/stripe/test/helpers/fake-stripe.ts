import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Stripe from 'stripe'
import { parseForm } from './form.js'

/** One request the fake received, decoded. */
export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown>
}

type Json = Record<string, unknown>

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`
const now = () => Math.floor(Date.now() / 1000)

/**
 * A loopback stand-in for the few Stripe API endpoints @metered/stripe calls. The real SDK talks
 * to it over HTTP (`new Stripe(key, { host, port, protocol: 'http' })`), so requests go through the
 * SDK's own encoding, headers and error handling. It keeps objects shaped like Stripe's, honours
 * idempotency keys, records every request, and lets a test script failures.
 */
export class FakeStripe {
  readonly requests: RecordedRequest[] = []
  readonly sessions = new Map<string, Json>()
  readonly charges = new Map<string, Json>()
  readonly refunds: Json[] = []
  readonly customers = new Map<string, Json>()
  readonly meterEvents: Json[] = []
  readonly paymentIntents = new Map<string, Json>()
  /** Which invoice each PaymentIntent paid (`GET /v1/invoice_payments`, API 2025-03-31 and later). */
  readonly invoicePayments: Json[] = []
  /** Saved cards per customer, newest first, with how an off-session charge on each goes. */
  readonly paymentMethods = new Map<string, { id: string; outcome: CardOutcome }[]>()
  /** Sessions created with `setup_future_usage: 'off_session'`: paying saves the card on the customer. */
  private readonly savesCard = new Set<string>()
  readonly subscriptions = new Map<string, Json>()
  readonly invoices = new Map<string, Json>()
  readonly portalSessions: Json[] = []
  /** The decoded parameters each session was created with (subscription mode reads its price and metadata). */
  readonly sessionParams = new Map<string, Json>()
  private readonly idempotent = new Map<string, { status: number; body: Json }>()
  private failures: { match: RegExp; status: number; type: string; times: number }[] = []
  private server: Server | null = null
  port = 0

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.statusCode = 500
        res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }))
      })
    })
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
    return this
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((err) => (err ? reject(err) : resolve())))
  }

  /** A real SDK client pointed at the fake. No network retries, so failures surface at once. */
  client(): Stripe {
    return new Stripe('sk_test_fake_0123456789', {
      host: '127.0.0.1',
      port: this.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    })
  }

  /** The next `times` requests whose `METHOD path` matches fail with `status`. */
  fail(match: RegExp, status = 500, times = 1, type = 'api_error'): void {
    this.failures.push({ match, status, type, times })
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    )
  }

  /**
   * The buyer pays: the session completes with a PaymentIntent and a succeeded charge. With
   * `paymentStatus: 'unpaid'` it completes unpaid (an async method on its way).
   */
  completeSession(sessionId: string, options: { paymentStatus?: 'paid' | 'unpaid' } = {}): Json {
    const session = this.sessions.get(sessionId)
    if (!session) throw new Error(`no session ${sessionId}`)
    const paymentIntent = (session.payment_intent as string | null) ?? id('pi')
    Object.assign(session, {
      status: 'complete',
      payment_status: options.paymentStatus ?? 'paid',
      payment_intent: paymentIntent,
    })
    if (this.savesCard.has(sessionId) && typeof session.customer === 'string' && options.paymentStatus !== 'unpaid') {
      this.savesCard.delete(sessionId)
      this.savePaymentMethod(session.customer)
    }
    if ((options.paymentStatus ?? 'paid') === 'paid' && !this.chargeOf(paymentIntent)) {
      this.succeededCharge(paymentIntent, session.amount_total as number, session.currency as string, session.metadata)
    }
    return structuredClone(session)
  }

  /** The succeeded charge of a paid PaymentIntent (Stripe copies the intent's metadata onto it). */
  succeededCharge(paymentIntent: string, amount: number, currency: string, metadata: unknown = {}): Json {
    const charge: Json = {
      id: id('ch'),
      object: 'charge',
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      currency,
      created: now(),
      disputed: false,
      livemode: false,
      metadata: { ...(metadata as Json) },
      paid: true,
      payment_intent: paymentIntent,
      refunded: false,
      status: 'succeeded',
    }
    this.charges.set(charge.id as string, charge)
    return charge
  }

  /** Saves a card on the customer (as Checkout does with `setup_future_usage`); returns its id. */
  savePaymentMethod(customerId: string, outcome: CardOutcome = 'succeeds'): string {
    const pm = { id: id('pm'), outcome }
    this.paymentMethods.set(customerId, [pm, ...(this.paymentMethods.get(customerId) ?? [])])
    return pm.id
  }

  expireSession(sessionId: string): Json {
    const session = this.sessions.get(sessionId)
    if (!session) throw new Error(`no session ${sessionId}`)
    Object.assign(session, { status: 'expired', url: null })
    return structuredClone(session)
  }

  chargeOf(paymentIntent: string): Json | undefined {
    return [...this.charges.values()].find((c) => c.payment_intent === paymentIntent)
  }

  /** Refunds `amount` of a charge (default: what is left) and returns the charge as an event would carry it. */
  refund(chargeId: string, amount?: number, options: { status?: string; created?: number } = {}): Json {
    const charge = this.charges.get(chargeId)
    if (!charge) throw new Error(`no charge ${chargeId}`)
    const left = (charge.amount as number) - (charge.amount_refunded as number)
    const refund: Json = {
      id: id('re'),
      object: 'refund',
      amount: amount ?? left,
      charge: chargeId,
      created: options.created ?? now(),
      currency: charge.currency,
      payment_intent: charge.payment_intent,
      status: options.status ?? 'succeeded',
    }
    this.refunds.push(refund)
    // A failed refund gives the money back to the charge: it no longer counts as refunded.
    if (refund.status === 'failed') return structuredClone(charge)
    charge.amount_refunded = (charge.amount_refunded as number) + (refund.amount as number)
    charge.refunded = charge.amount_refunded === charge.amount
    // Recent API versions leave `refunds` out of the charge; the webhook then lists them.
    return structuredClone(charge)
  }

  /**
   * A refund that fails later (the bank returns it): its status becomes `failed` and the money
   * counts as the charge's again. Returns the refund as `charge.refund.updated` carries it.
   */
  failRefund(refundId: string): Json {
    const refund = this.refunds.find((r) => r.id === refundId)
    if (!refund) throw new Error(`no refund ${refundId}`)
    const charge = this.charges.get(refund.charge as string)
    if (!charge) throw new Error(`no charge ${refund.charge}`)
    if (refund.status !== 'failed') {
      Object.assign(refund, { status: 'failed', failure_reason: 'expired_or_canceled_card' })
      charge.amount_refunded = (charge.amount_refunded as number) - (refund.amount as number)
      charge.refunded = false
    }
    return structuredClone(refund)
  }

  /** A dispute object as `charge.dispute.created` carries it. */
  dispute(chargeId: string, options: { withPaymentIntent?: boolean } = {}): Json {
    const charge = this.charges.get(chargeId)
    if (!charge) throw new Error(`no charge ${chargeId}`)
    charge.disputed = true
    return {
      id: id('du'),
      object: 'dispute',
      amount: charge.amount,
      charge: chargeId,
      currency: charge.currency,
      created: now(),
      payment_intent: options.withPaymentIntent === false ? null : charge.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseForm(Buffer.concat(chunks).toString('utf8')),
    }
    this.requests.push(recorded)

    const send = (status: number, body: Json) => {
      res.statusCode = status
      res.setHeader('content-type', 'application/json')
      res.setHeader('request-id', id('req'))
      res.end(JSON.stringify(body))
    }

    const failure = this.failures.find((f) => f.times > 0 && f.match.test(`${recorded.method} ${recorded.path}`))
    if (failure) {
      failure.times--
      send(failure.status, { error: { type: failure.type, message: 'Injected failure' } })
      return
    }

    if (recorded.method === 'POST') {
      if (req.headers.authorization !== 'Bearer sk_test_fake_0123456789') {
        send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } })
        return
      }
      const key = req.headers['idempotency-key']
      const cacheKey = typeof key === 'string' ? `${recorded.path}|${key}` : null
      const cached = cacheKey ? this.idempotent.get(cacheKey) : undefined
      if (cached) {
        send(cached.status, cached.body)
        return
      }
      const [status, body] = this.post(recorded)
      if (cacheKey) this.idempotent.set(cacheKey, { status, body })
      send(status, body)
      return
    }
    const [status, body] = this.get(recorded)
    send(status, body)
  }

  private post(r: RecordedRequest): [number, Json] {
    if (r.path === '/v1/checkout/sessions') return [200, this.createSession(r.body)]
    if (r.path === '/v1/customers') {
      const customer: Json = {
        id: id('cus'),
        object: 'customer',
        email: r.body.email ?? null,
        metadata: r.body.metadata ?? {},
        created: now(),
      }
      this.customers.set(customer.id as string, customer)
      return [200, customer]
    }
    if (r.path === '/v1/payment_intents') return this.createPaymentIntent(r.body)
    if (r.path === '/v1/billing_portal/sessions') {
      if (!this.customers.has(r.body.customer as string)) return notFound(`/v1/customers/${r.body.customer}`)
      const portal: Json = {
        id: id('bps'),
        object: 'billing_portal.session',
        customer: r.body.customer,
        return_url: r.body.return_url ?? null,
        url: `https://billing.stripe.com/p/session/${id('bps')}`,
      }
      this.portalSessions.push(portal)
      return [200, portal]
    }
    if (r.path === '/v1/billing/meter_events') {
      const event: Json = {
        object: 'billing.meter_event',
        created: now(),
        event_name: r.body.event_name,
        identifier: r.body.identifier,
        payload: r.body.payload,
        timestamp: Number(r.body.timestamp ?? now()),
        livemode: false,
      }
      this.meterEvents.push(event)
      return [200, event]
    }
    return notFound(r.path)
  }

  private get(r: RecordedRequest): [number, Json] {
    if (r.path === '/v1/checkout/sessions') {
      const data = [...this.sessions.values()].filter(
        (s) => !r.query.payment_intent || s.payment_intent === r.query.payment_intent,
      )
      return [200, list('/v1/checkout/sessions', data.slice(0, Number(r.query.limit ?? 10)))]
    }
    const session = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(r.path)
    if (session) {
      const found = this.sessions.get(decodeURIComponent(session[1] ?? ''))
      return found ? [200, structuredClone(found)] : notFound(r.path)
    }
    const charge = /^\/v1\/charges\/([^/]+)$/.exec(r.path)
    if (charge) {
      const found = this.charges.get(decodeURIComponent(charge[1] ?? ''))
      return found ? [200, structuredClone(found)] : notFound(r.path)
    }
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(r.path)
    if (intent) {
      const found = this.paymentIntents.get(decodeURIComponent(intent[1] ?? ''))
      return found ? [200, structuredClone(found)] : notFound(r.path)
    }
    const invoice = /^\/v1\/invoices\/([^/]+)$/.exec(r.path)
    if (invoice) {
      const found = this.invoices.get(decodeURIComponent(invoice[1] ?? ''))
      return found ? [200, structuredClone(found)] : notFound(r.path)
    }
    if (r.path === '/v1/invoice_payments') {
      const pi = r.query['payment[payment_intent]']
      const data = this.invoicePayments.filter((p) => !pi || (p.payment as Json).payment_intent === pi)
      return [200, list('/v1/invoice_payments', data.slice(0, Number(r.query.limit ?? 10)))]
    }
    if (r.path === '/v1/payment_methods') {
      const saved = this.paymentMethods.get(String(r.query.customer)) ?? []
      const data = saved.map((pm) => ({
        id: pm.id,
        object: 'payment_method',
        type: 'card',
        customer: r.query.customer,
      }))
      return [200, list('/v1/payment_methods', data.slice(0, Number(r.query.limit ?? 10)))]
    }
    if (r.path === '/v1/refunds') {
      // Stripe lists newest first.
      const data = this.refunds.filter((x) => !r.query.charge || x.charge === r.query.charge).reverse()
      const after = r.query.starting_after
      const start = after ? data.findIndex((x) => x.id === after) + 1 : 0
      const limit = Number(r.query.limit ?? 10)
      const page = data.slice(start, start + limit)
      return [200, { ...list('/v1/refunds', page), has_more: start + limit < data.length }]
    }
    return notFound(r.path)
  }

  /**
   * An off-session `confirm: true` PaymentIntent, as Stripe answers it: `succeeded`, or a 402
   * `card_error` carrying the intent (`requires_payment_method`) when the card refuses.
   */
  private createPaymentIntent(body: Json): [number, Json] {
    const card = [...this.paymentMethods.values()].flat().find((pm) => pm.id === body.payment_method)
    if (!card) return notFound(`/v1/payment_methods/${String(body.payment_method)}`)
    const intent: Json = {
      id: id('pi'),
      object: 'payment_intent',
      amount: Number(body.amount),
      amount_received: card.outcome === 'succeeds' ? Number(body.amount) : 0,
      currency: body.currency,
      customer: body.customer,
      payment_method: body.payment_method,
      created: now(),
      livemode: false,
      metadata: body.metadata ?? {},
      off_session: body.off_session === 'true',
      confirm: body.confirm === 'true',
      status: card.outcome === 'succeeds' ? 'succeeded' : 'requires_payment_method',
      last_payment_error: card.outcome === 'succeeds' ? null : { type: 'card_error', code: card.outcome },
    }
    this.paymentIntents.set(intent.id as string, intent)
    if (card.outcome === 'succeeds') {
      this.succeededCharge(intent.id as string, intent.amount as number, intent.currency as string, intent.metadata)
      return [200, structuredClone(intent)]
    }
    return [
      402,
      {
        error: {
          type: 'card_error',
          code: card.outcome,
          message: card.outcome === 'card_declined' ? 'Your card was declined.' : 'Authentication required.',
          payment_intent: structuredClone(intent),
        },
      },
    ]
  }

  private createSession(body: Json): Json {
    const item = (body.line_items as Json[] | undefined)?.[0] ?? {}
    const priceData = item.price_data as Json | undefined
    const price = item.price ? PRICES[item.price as string] : undefined
    const amount = priceData ? Number(priceData.unit_amount) : (price?.unit_amount ?? 0)
    const currency = priceData ? (priceData.currency as string) : (price?.currency ?? 'usd')
    const sessionId = id('cs')
    const session: Json = {
      id: sessionId,
      object: 'checkout.session',
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: body.cancel_url,
      client_reference_id: body.client_reference_id ?? null,
      created: now(),
      currency,
      currency_conversion: null,
      customer: body.customer ?? null,
      customer_email: body.customer_email ?? null,
      expires_at: now() + 86_400,
      livemode: false,
      metadata: body.metadata ?? {},
      mode: body.mode,
      subscription: null,
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: body.success_url,
      url: `https://checkout.stripe.com/c/pay/${sessionId}`,
    }
    this.sessions.set(sessionId, session)
    if ((body.payment_intent_data as Json | undefined)?.setup_future_usage === 'off_session')
      this.savesCard.add(sessionId)
    this.sessionParams.set(sessionId, body)
    return structuredClone(session)
  }
}

/** How an off-session charge on a saved card goes. */
export type CardOutcome = 'succeeds' | 'card_declined' | 'authentication_required'

/** Prices the fake knows, as if created in the dashboard. */
export const PRICES: Record<string, { unit_amount: number; currency: string }> = {
  price_test_pack_10: { unit_amount: 1000, currency: 'usd' },
  // Recurring (monthly) prices of the plans.
  price_test_plan_basic: { unit_amount: 900, currency: 'usd' },
  price_test_plan_pro: { unit_amount: 2900, currency: 'usd' },
}

function list(url: string, data: Json[]): Json {
  return { object: 'list', url, has_more: false, data: data.map((d) => structuredClone(d)) }
}

function notFound(path: string): [number, Json] {
  return [
    404,
    {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        message: `No such resource: '${path}'`,
      },
    },
  ]
}
