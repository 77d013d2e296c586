import { randomBytes } from 'node:crypto'
import { type FakeStripe, PRICES } from './fake-stripe.js'

type Json = Record<string, unknown>

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`
const now = () => Math.floor(Date.now() / 1000)
const MONTH = 30 * 86_400

/**
 * Subscriptions on the loopback fake, shaped as Stripe sends them (API 2025-03-31 and later:
 * `parent.subscription_details`, `pricing.price_details`). Each call returns the object its webhook
 * event carries; the test signs and delivers it.
 */
export class FakeSubscriptions {
  constructor(private readonly fake: FakeStripe) {}

  /**
   * The buyer completes a subscription-mode session: a customer (unless the session named one), a
   * subscription carrying the session's `subscription_data.metadata`, and its first invoice, paid.
   */
  complete(
    sessionId: string,
    options: { periodSeconds?: number } = {},
  ): { session: Json; subscription: Json; invoice: Json } {
    const session = this.fake.sessions.get(sessionId)
    const params = this.fake.sessionParams.get(sessionId)
    if (!session || !params) throw new Error(`no session ${sessionId}`)
    let customer = session.customer as string | null
    if (!customer) {
      customer = id('cus')
      this.fake.customers.set(customer, { id: customer, object: 'customer', metadata: {}, created: now() })
    }
    const price = ((params.line_items as Json[])[0] as Json).price as string
    const start = now()
    const subscription: Json = {
      id: id('sub'),
      object: 'subscription',
      customer,
      status: 'active',
      metadata: { ...(((params.subscription_data as Json | undefined)?.metadata as Json | undefined) ?? {}) },
      items: { object: 'list', data: [{ id: id('si'), price: { id: price }, quantity: 1 }] },
      current_period_start: start,
      current_period_end: start + (options.periodSeconds ?? MONTH),
      period_seconds: options.periodSeconds ?? MONTH,
      cancel_at_period_end: false,
    }
    this.fake.subscriptions.set(subscription.id as string, subscription)
    Object.assign(session, { status: 'complete', payment_status: 'paid', customer, subscription: subscription.id })
    const invoice = this.invoice(subscription, 'subscription_create', { paid: true })
    return { session: structuredClone(session), subscription: structuredClone(subscription), invoice }
  }

  /** The next period starts and Stripe bills it: paid, or declined (`paid: false`, a retry scheduled). */
  renew(subscriptionId: string, options: { paid?: boolean } = {}): Json {
    const sub = this.get(subscriptionId)
    if (sub.status === 'canceled') throw new Error('a canceled subscription is not renewed')
    const start = sub.current_period_end as number
    Object.assign(sub, { current_period_start: start, current_period_end: start + (sub.period_seconds as number) })
    return this.invoice(sub, 'subscription_cycle', { paid: options.paid ?? true })
  }

  /** A declined invoice is paid on a later retry. */
  payLater(invoiceId: string): Json {
    const invoice = this.fake.invoices.get(invoiceId)
    if (!invoice) throw new Error(`no invoice ${invoiceId}`)
    Object.assign(invoice, {
      status: 'paid',
      amount_paid: invoice.amount_due,
      attempt_count: (invoice.attempt_count as number) + 1,
      next_payment_attempt: null,
    })
    this.pay(invoice)
    return structuredClone(invoice)
  }

  /** The charge that paid an invoice (refund and dispute it like a pack's). */
  chargeOf(invoiceId: string): Json {
    const payment = this.fake.invoicePayments.find((p) => p.invoice === invoiceId)
    const charge = payment && this.fake.chargeOf((payment.payment as Json).payment_intent as string)
    if (!charge) throw new Error(`invoice ${invoiceId} was not paid by a charge`)
    return charge
  }

  /** Stripe pays an invoice with a PaymentIntent and its charge, linked by an invoice payment. */
  private pay(invoice: Json): void {
    const amount = invoice.amount_paid as number
    if (amount <= 0) return
    const paymentIntent = id('pi')
    this.fake.paymentIntents.set(paymentIntent, {
      id: paymentIntent,
      object: 'payment_intent',
      amount,
      amount_received: amount,
      currency: invoice.currency,
      customer: invoice.customer,
      created: now(),
      metadata: {},
      status: 'succeeded',
    })
    this.fake.succeededCharge(paymentIntent, amount, invoice.currency as string)
    this.fake.invoicePayments.push({
      id: id('inpay'),
      object: 'invoice_payment',
      amount_paid: amount,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      payment: { type: 'payment_intent', payment_intent: paymentIntent },
      status: 'paid',
    })
  }

  /**
   * The customer switches price in the portal, without proration: the subscription item names
   * the new price from now on, and the next period's invoice bills it.
   */
  changePrice(subscriptionId: string, price: string): Json {
    const sub = this.get(subscriptionId)
    const item = ((sub.items as Json).data as Json[])[0] as Json
    item.price = { id: price }
    return structuredClone(sub)
  }

  /** A mid-period invoice for an immediate, prorated plan change (`subscription_update`). */
  prorationInvoice(subscriptionId: string, price: string): Json {
    const sub = this.changePrice(subscriptionId, price)
    return this.invoice(this.get(sub.id as string), 'subscription_update', { paid: true, proration: true })
  }

  /** The subscription ends (cancelled now, or at the end of its period). */
  cancel(subscriptionId: string): Json {
    const sub = this.get(subscriptionId)
    Object.assign(sub, { status: 'canceled', ended_at: now(), canceled_at: now() })
    return structuredClone(sub)
  }

  private get(subscriptionId: string): Json {
    const sub = this.fake.subscriptions.get(subscriptionId)
    if (!sub) throw new Error(`no subscription ${subscriptionId}`)
    return sub
  }

  private invoice(sub: Json, billingReason: string, options: { paid: boolean; proration?: boolean }): Json {
    const item = ((sub.items as Json).data as Json[])[0] as Json
    const price = (item.price as Json).id as string
    const amount = PRICES[price]?.unit_amount ?? 0
    const invoiceId = id('in')
    const period = { start: sub.current_period_start, end: sub.current_period_end }
    const invoice: Json = {
      id: invoiceId,
      object: 'invoice',
      billing_reason: billingReason,
      customer: sub.customer,
      currency: PRICES[price]?.currency ?? 'usd',
      amount_due: amount,
      amount_paid: options.paid ? amount : 0,
      attempt_count: 1,
      next_payment_attempt: options.paid ? null : now() + 3 * 86_400,
      status: options.paid ? 'paid' : 'open',
      period_start: sub.current_period_start,
      period_end: sub.current_period_start,
      parent: {
        type: 'subscription_details',
        quote_details: null,
        subscription_details: { subscription: sub.id, metadata: structuredClone(sub.metadata) },
      },
      lines: {
        object: 'list',
        has_more: false,
        url: `/v1/invoices/${invoiceId}/lines`,
        data: [
          {
            id: id('il'),
            object: 'line_item',
            amount,
            currency: 'usd',
            quantity: item.quantity,
            period,
            pricing: {
              type: 'price_details',
              price_details: { price, product: 'prod_test' },
              unit_amount_decimal: `${amount}`,
            },
            parent: {
              type: 'subscription_item_details',
              subscription_item_details: {
                proration: options.proration === true,
                subscription: sub.id,
                subscription_item: item.id,
              },
            },
          },
        ],
      },
    }
    this.fake.invoices.set(invoiceId, invoice)
    if (options.paid) this.pay(invoice)
    return structuredClone(invoice)
  }
}

/**
 * The same invoice as API versions before 2025-03-31 shaped it: the subscription and its metadata
 * at the top level, each line's price as an object and its proration flag on the line.
 */
export function legacyInvoice(invoice: Json): Json {
  const { parent, lines, ...rest } = structuredClone(invoice) as Json & { parent: Json; lines: Json }
  const details = parent.subscription_details as Json
  return {
    ...rest,
    subscription: details.subscription,
    subscription_details: { metadata: details.metadata },
    lines: {
      ...lines,
      data: (lines.data as Json[]).map(({ pricing, parent: lineParent, ...line }) => ({
        ...line,
        type: 'subscription',
        price: {
          id: ((pricing as Json).price_details as Json).price,
          object: 'price',
          recurring: { interval: 'month' },
        },
        proration: ((lineParent as Json).subscription_item_details as Json).proration,
      })),
    },
  }
}
