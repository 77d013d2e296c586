import { randomBytes } from 'node:crypto'
import type { Ledger } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { delivery, event, WEBHOOK_SECRET } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { flakyLedger, type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { makeCredits, UNITS_PER_CREDIT } from './helpers/setup.js'

const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

const ledgers: LedgerUnderTest[] = [memoryLedger, postgresLedger()]
afterAll(() => Promise.all(ledgers.map((l) => l.close?.())))

describe.each(ledgers)('webhook over the $name ledger', (under) => {
  let ledger: Ledger
  let account: string
  const setup = async (overrides: Parameters<typeof makeCredits>[2] = {}) => {
    ledger = await under.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    return makeCredits(fake, ledger, overrides)
  }
  const available = async () => (await ledger.balance(account)).available
  const buy = async (credits: ReturnType<typeof makeCredits>['credits'], packId: string) => {
    const { sessionId } = await credits.checkout({ account, packId })
    return sessionId
  }
  const send = async (credits: ReturnType<typeof makeCredits>['credits'], type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    }
  }

  it('grants the pack on checkout.session.completed (paid): credits x unitsPerCredit, source purchase', async () => {
    const { credits } = await setup()
    const sessionId = await buy(credits, 'pack-5')
    const session = fake.completeSession(sessionId)

    const res = await send(credits, 'checkout.session.completed', session)
    expect(res).toEqual({ status: 200, type: 'application/json', body: { received: true, outcome: 'granted' } })
    expect(await available()).toBe(5_050 * UNITS_PER_CREDIT)

    const balance = await ledger.balance(account)
    expect(balance.grants).toEqual([
      expect.objectContaining({ source: 'purchase', amount: 5_050_000, expiresAt: null }),
    ])
    const [entry] = (await ledger.history(account)).entries
    expect(entry?.metadata).toMatchObject({
      stripeCheckoutSessionId: sessionId,
      stripePaymentIntentId: session.payment_intent,
      packId: 'pack-5',
      amountPaid: 500,
      currency: 'usd',
    })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('grants exactly once under 100 concurrent redeliveries of both grant events', async () => {
    const { credits } = await setup()
    const sessionId = await buy(credits, 'pack-100')
    const paid = fake.completeSession(sessionId)
    const completed = event('checkout.session.completed', paid)
    const succeeded = event('checkout.session.async_payment_succeeded', paid)

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => credits.webhook(delivery(i % 2 === 0 ? completed : succeeded))),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200))
    const outcomes = await Promise.all(responses.map(async (r) => ((await r.json()) as { outcome: string }).outcome))
    expect(outcomes.filter((o) => o === 'granted')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'already_granted')).toHaveLength(99)
    expect(await available()).toBe(140_000 * UNITS_PER_CREDIT)
    expect((await ledger.history(account)).entries).toHaveLength(1)
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('grants once when async_payment_succeeded arrives before the (unpaid) completion', async () => {
    const { credits } = await setup()
    const sessionId = await buy(credits, 'pack-20')
    const pending = fake.completeSession(sessionId, { paymentStatus: 'unpaid' })
    const paid = fake.completeSession(sessionId)

    expect((await send(credits, 'checkout.session.async_payment_succeeded', paid)).body.outcome).toBe('granted')
    expect((await send(credits, 'checkout.session.completed', pending)).body.outcome).toBe('unpaid')
    expect((await send(credits, 'checkout.session.async_payment_succeeded', paid)).body.outcome).toBe('already_granted')
    expect(await available()).toBe(23_000 * UNITS_PER_CREDIT)
  })

  it('grants nothing for an unpaid session, an async failure or an expired session', async () => {
    const { credits } = await setup()
    const sessionId = await buy(credits, 'pack-1')
    const pending = fake.completeSession(sessionId, { paymentStatus: 'unpaid' })
    expect((await send(credits, 'checkout.session.completed', pending)).body.outcome).toBe('unpaid')
    expect((await send(credits, 'checkout.session.async_payment_failed', pending)).body.outcome).toBe('ignored')
    const other = await buy(credits, 'pack-1')
    expect((await send(credits, 'checkout.session.expired', fake.expireSession(other))).body.outcome).toBe('ignored')
    expect(await available()).toBe(0)
  })

  it.each([
    ['a tampered body', { tamper: (b: string) => b.replace('"paid"', '"paid" ') }],
    ['a changed amount', { tamper: (b: string) => b.replace('"pack-1"', '"pack-100"') }],
    ['the wrong secret', { secret: `whsec_${randomBytes(24).toString('base64url')}` }],
    ['a stale timestamp (10 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
  ])('refuses %s with 400 problem+json and grants nothing', async (_name, options) => {
    const { credits } = await setup()
    const sessionId = await buy(credits, 'pack-1')
    const body = event('checkout.session.completed', fake.completeSession(sessionId))
    const res = await credits.webhook(delivery(body, options))

    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const problem = await res.json()
    expect(problem).toEqual({
      type: 'urn:metered:problem:invalid_signature',
      title: 'Invalid signature',
      status: 400,
      detail: 'The webhook signature could not be verified.',
      code: 'invalid_signature',
    })
    expect(JSON.stringify(problem)).not.toContain('whsec_')
    expect(await available()).toBe(0)
  })

  it('refuses a delivery without a signature header, and anything but POST', async () => {
    const { credits } = await setup()
    const unsigned = new Request('https://app.example/api/webhooks/stripe', { method: 'POST', body: '{}' })
    const res = await credits.webhook(unsigned)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ type: 'urn:metered:problem:missing_signature' })

    const get = await credits.webhook(new Request('https://app.example/api/webhooks/stripe'))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('accepts either secret while one is being rolled', async () => {
    const old = `whsec_${randomBytes(24).toString('base64url')}`
    const { credits } = await setup({ webhookSecret: [WEBHOOK_SECRET, old] })
    const sessionId = await buy(credits, 'pack-1')
    const res = await credits.webhook(
      delivery(event('checkout.session.completed', fake.completeSession(sessionId)), { secret: old }),
    )
    expect(res.status).toBe(200)
    expect(await available()).toBe(1_000 * UNITS_PER_CREDIT)
  })

  it('acknowledges and ignores unknown events and sessions it did not create', async () => {
    const { credits } = await setup()
    expect(await send(credits, 'customer.created', { id: 'cus_1', object: 'customer' })).toMatchObject({
      status: 200,
      body: { received: true, outcome: 'ignored' },
    })
    const foreign = { ...fake.completeSession(await buy(credits, 'pack-1')), metadata: { order: '42' } }
    expect((await send(credits, 'checkout.session.completed', foreign)).body.outcome).toBe('not_metered')
    expect(await available()).toBe(0)
  })

  it('refuses to grant a pack missing from the catalog or a session paid below the pack price, as events', async () => {
    const { credits, hooks } = await setup()
    const a = fake.completeSession(await buy(credits, 'pack-1'))
    const unknown = { ...a, metadata: { metered_account: account, metered_pack: 'pack-free' } }
    expect((await send(credits, 'checkout.session.completed', unknown)).body.outcome).toBe('unknown_pack')

    const b = fake.completeSession(await buy(credits, 'pack-50'))
    expect((await send(credits, 'checkout.session.completed', { ...b, amount_total: 100 })).body.outcome).toBe(
      'amount_mismatch',
    )
    expect((await send(credits, 'checkout.session.completed', { ...b, currency: 'eur' })).body.outcome).toBe(
      'amount_mismatch',
    )
    expect(await available()).toBe(0)
    expect(hooks.events).toEqual([
      { type: 'grant_refused', reason: 'unknown_pack', sessionId: a.id, packId: 'pack-free' },
      {
        type: 'grant_refused',
        reason: 'amount_mismatch',
        sessionId: b.id,
        packId: 'pack-50',
        expected: { amount: 5000, currency: 'usd' },
        paid: { amount: 100, currency: 'usd' },
      },
      expect.objectContaining({
        type: 'grant_refused',
        reason: 'amount_mismatch',
        paid: { amount: 5000, currency: 'eur' },
      }),
    ])
    expect(hooks.errors).toEqual([])

    // Tax on top is fine, and so is a localised (Adaptive Pricing) session paid in the source currency.
    const taxed = { ...b, amount_total: 5400 }
    expect((await send(credits, 'checkout.session.completed', taxed)).body.outcome).toBe('granted')
    const c = fake.completeSession(await buy(credits, 'pack-1'))
    const localised = {
      ...c,
      currency: 'eur',
      amount_total: 93,
      currency_conversion: { amount_subtotal: 100, amount_total: 100, fx_rate: '0.93', source_currency: 'usd' },
    }
    expect((await send(credits, 'checkout.session.completed', localised)).body.outcome).toBe('granted')
    expect(await available()).toBe(63_500 * UNITS_PER_CREDIT)
  })

  it('answers 500 while the ledger is down, grants nothing, and grants once when Stripe redelivers', async () => {
    ledger = await under.fresh()
    const flaky = flakyLedger(ledger)
    account = `acct-${randomBytes(6).toString('hex')}`
    const { credits, hooks } = makeCredits(fake, flaky)
    const sessionId = await buy(credits, 'pack-10')
    const body = event('checkout.session.completed', fake.completeSession(sessionId))

    flaky.down = true
    const failed = await credits.webhook(delivery(body))
    expect(failed.status).toBe(500)
    expect(failed.headers.get('content-type')).toBe('application/problem+json')
    const problem = await failed.text()
    expect(problem).not.toMatch(/injected|stack|at .*\.ts/)
    expect(JSON.parse(problem)).toMatchObject({ type: 'urn:metered:problem:webhook_failed', status: 500 })
    expect(hooks.errors).toHaveLength(1)
    expect(hooks.errors[0]).toMatchObject({
      error: { code: 'store_unavailable' },
      context: { message: 'webhook event failed; Stripe will retry it', eventId: body.id },
    })
    expect(hooks.events).toEqual([])
    expect(await available()).toBe(0)

    flaky.down = false
    expect((await credits.webhook(delivery(body))).status).toBe(200)
    expect((await credits.webhook(delivery(body))).status).toBe(200)
    expect(await available()).toBe(11_000 * UNITS_PER_CREDIT)
  })

  it('sets the expiry from the session creation, so redeliveries replay instead of conflicting', async () => {
    const { credits } = await setup({
      packs: [{ id: 'yearly', credits: 1_000, unitAmount: 100, currency: 'usd', expiresIn: '365 d' }],
    })
    const session = fake.completeSession(await buy(credits, 'yearly'))
    expect((await send(credits, 'checkout.session.completed', session)).body.outcome).toBe('granted')
    await new Promise((r) => setTimeout(r, 5))
    expect((await send(credits, 'checkout.session.completed', session)).body.outcome).toBe('already_granted')
    const [grant] = (await ledger.balance(account)).grants
    expect(grant?.expiresAt).toBe((session.created as number) * 1000 + 365 * 86_400_000)
  })

  describe('clawback', () => {
    const grantPaid = async (credits: ReturnType<typeof makeCredits>['credits'], packId: string) => {
      const session = fake.completeSession(await buy(credits, packId))
      await send(credits, 'checkout.session.completed', session)
      const charge = fake.chargeOf(session.payment_intent as string)
      if (!charge) throw new Error('no charge')
      return { session, chargeId: charge.id as string }
    }

    it('a full refund revokes the whole grant, once however often it is delivered', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-5')
      const refunded = event('charge.refunded', fake.refund(chargeId))

      const responses = await Promise.all(Array.from({ length: 10 }, () => credits.webhook(delivery(refunded))))
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200))
      expect(await available()).toBe(0)
      const revokes = (await ledger.history(account, { types: ['revoke'] })).entries
      expect(revokes).toHaveLength(1)
      expect(revokes[0]).toMatchObject({ amount: -5_050_000, reason: 'refund' })
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('partial refunds revoke proportionally, each refund once, and add up to the whole grant', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-10') // $10 -> 11,000 credits

      const first = event('charge.refunded', fake.refund(chargeId, 250)) // 25%
      expect((await credits.webhook(delivery(first))).status).toBe(200)
      expect(await available()).toBe(8_250 * UNITS_PER_CREDIT)

      // A second refund: its event lists both refunds; the first must not be revoked again.
      const second = event('charge.refunded', fake.refund(chargeId, 333)) // 33.3%
      await credits.webhook(delivery(second))
      await credits.webhook(delivery(first)) // a late redelivery of the first
      await credits.webhook(delivery(second))
      // floor(11,000,000 x 583 / 1000) = 6,413,000 clawed back in all.
      expect(await available()).toBe(11_000_000 - 6_413_000)

      const last = event('charge.refunded', fake.refund(chargeId)) // the rest
      await credits.webhook(delivery(last))
      expect(await available()).toBe(0)
      expect((await ledger.history(account, { types: ['revoke'] })).entries).toHaveLength(3)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('uses the refunds an older API version embeds in the charge, skipping failed ones', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-1') // $1 -> 1,000,000 units
      fake.refund(chargeId, 30, { status: 'failed', created: 1 })
      const charge = fake.refund(chargeId, 10, { created: 2 })
      const embedded = {
        ...charge,
        refunds: { object: 'list', data: fake.refunds.filter((r) => r.charge === chargeId).reverse(), has_more: false },
      }
      const listed = fake.requestsTo('GET', '/v1/refunds').length
      expect((await send(credits, 'charge.refunded', embedded)).body.outcome).toBe('revoked')
      expect(fake.requestsTo('GET', '/v1/refunds')).toHaveLength(listed)
      expect(await available()).toBe(900_000)
    })

    it('answers 500 when the refund list has not caught up with the event, and claws back on redelivery', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-1')
      const charge = fake.refund(chargeId, 50)
      const newest = fake.refunds.pop() // Stripe's list does not show the new refund yet
      const refunded = event('charge.refunded', charge)
      expect((await credits.webhook(delivery(refunded))).status).toBe(500)
      expect(await available()).toBe(1_000_000)
      if (newest) fake.refunds.push(newest)
      expect((await credits.webhook(delivery(refunded))).status).toBe(200)
      expect(await available()).toBe(500_000)
    })

    it('claws back only what is left when part of the grant was spent', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-1') // 1,000,000 units
      await ledger.debit({ account, amount: 800_000, reason: 'generate' })
      await credits.webhook(delivery(event('charge.refunded', fake.refund(chargeId, 50)))) // 50% = 500,000
      expect(await available()).toBe(0)
      const [revoke] = (await ledger.history(account, { types: ['revoke'] })).entries
      expect(revoke?.amount).toBe(-200_000)
    })

    it('a refund delivered before the grant event grants then revokes; the late completion is a replay', async () => {
      const { credits } = await setup()
      const session = fake.completeSession(await buy(credits, 'pack-1'))
      const chargeId = fake.chargeOf(session.payment_intent as string)?.id as string

      const res = await send(credits, 'charge.refunded', fake.refund(chargeId, 40))
      expect(res.body).toEqual({ received: true, outcome: 'revoked', revoked: 400_000, pending: 0 })
      expect(await available()).toBe(600_000)
      expect((await send(credits, 'checkout.session.completed', session)).body.outcome).toBe('already_granted')
      expect(await available()).toBe(600_000)
    })

    it('a dispute revokes what is left of the grant, once', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-20')
      await ledger.debit({ account, amount: 3_000_000, reason: 'generate' })
      const disputed = event('charge.dispute.created', fake.dispute(chargeId))
      expect((await credits.webhook(delivery(disputed))).status).toBe(200)
      expect((await credits.webhook(delivery(disputed))).status).toBe(200)
      expect(await available()).toBe(0)
      const revokes = (await ledger.history(account, { types: ['revoke'] })).entries
      expect(revokes).toEqual([expect.objectContaining({ amount: -20_000_000, reason: 'dispute' })])

      // A later refund of the disputed charge finds nothing left to claw back.
      await credits.webhook(delivery(event('charge.refunded', fake.refund(chargeId))))
      expect(await available()).toBe(0)
      expect((await ledger.verify(account)).ok).toBe(true)
    })

    it('finds the PaymentIntent through the charge when the dispute does not name it', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-1')
      const res = await send(credits, 'charge.dispute.created', fake.dispute(chargeId, { withPaymentIntent: false }))
      expect(res.body.outcome).toBe('revoked')
      expect(fake.requestsTo('GET', `/v1/charges/${chargeId}`)).toHaveLength(1)
      expect(await available()).toBe(0)
    })

    it('ignores refunds of charges that did not come from a metered checkout', async () => {
      const { credits } = await setup()
      // A payment the app took some other way: Stripe knows its PaymentIntent, metered never granted for it.
      fake.paymentIntents.set('pi_not_from_checkout', {
        id: 'pi_not_from_checkout',
        object: 'payment_intent',
        amount: 500,
        amount_received: 500,
        currency: 'usd',
        created: Math.floor(Date.now() / 1000),
        metadata: { order: '42' },
        status: 'succeeded',
      })
      const res = await send(credits, 'charge.refunded', {
        id: 'ch_other',
        object: 'charge',
        amount: 500,
        amount_refunded: 500,
        currency: 'usd',
        payment_intent: 'pi_not_from_checkout',
      })
      expect(res).toMatchObject({ status: 200, body: { outcome: 'not_metered' } })
    })

    it('answers 500 when the ledger is down during a refund, and revokes once on redelivery', async () => {
      ledger = await under.fresh()
      const flaky = flakyLedger(ledger)
      account = `acct-${randomBytes(6).toString('hex')}`
      const { credits } = makeCredits(fake, flaky)
      const { chargeId } = await grantPaid(credits, 'pack-5')
      const refunded = event('charge.refunded', fake.refund(chargeId, 100))
      flaky.down = true
      expect((await credits.webhook(delivery(refunded))).status).toBe(500)
      expect(await available()).toBe(5_050_000)
      flaky.down = false
      expect((await credits.webhook(delivery(refunded))).status).toBe(200)
      expect((await credits.webhook(delivery(refunded))).status).toBe(200)
      expect(await available()).toBe(5_050_000 - 1_010_000)
    })

    it('answers 500 when Stripe cannot be reached to find the session, so the event is retried', async () => {
      const { credits } = await setup()
      const { chargeId } = await grantPaid(credits, 'pack-1')
      fake.fail(/^GET \/v1\/checkout\/sessions$/, 503)
      const refunded = event('charge.refunded', fake.refund(chargeId))
      expect((await credits.webhook(delivery(refunded))).status).toBe(500)
      expect(await available()).toBe(1_000_000)
      expect((await credits.webhook(delivery(refunded))).status).toBe(200)
      expect(await available()).toBe(0)
    })
  })
})
