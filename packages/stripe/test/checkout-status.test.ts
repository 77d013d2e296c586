import { randomBytes } from 'node:crypto'
import { StoreUnavailableError, ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { delivery, event } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { makeCredits } from './helpers/setup.js'

const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

const ledgers: LedgerUnderTest[] = [memoryLedger, postgresLedger()]
afterAll(() => Promise.all(ledgers.map((l) => l.close?.())))

describe.each(ledgers)('getCheckoutStatus over the $name ledger', (under) => {
  const setup = async () => {
    const ledger = await under.fresh()
    const account = `acct-${randomBytes(6).toString('hex')}`
    return { ledger, account, ...makeCredits(fake, ledger) }
  }

  it('follows a session from unpaid to processing to granted, and never grants by itself', async () => {
    const { credits, ledger, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-5' })
    const pack = {
      id: 'pack-5',
      name: '5,050 credits',
      description: null,
      credits: 5_000,
      bonus: 50,
      unitAmount: 500,
      currency: 'usd',
    }

    expect(await credits.getCheckoutStatus(sessionId, { account })).toEqual({
      status: 'unpaid',
      sessionId,
      credits: 5_050,
      pack,
    })

    fake.completeSession(sessionId, { paymentStatus: 'unpaid' })
    expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('processing')

    const paid = fake.completeSession(sessionId)
    // Paid but the webhook has not arrived: still processing, however often the page polls.
    for (let i = 0; i < 3; i++)
      expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('processing')
    expect((await ledger.balance(account)).available).toBe(0)

    await credits.webhook(delivery(event('checkout.session.completed', paid)))
    expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('granted')
  })

  it('finds the grant among many other grants of the account', async () => {
    const { credits, ledger, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-1' })
    await credits.webhook(delivery(event('checkout.session.completed', fake.completeSession(sessionId))))
    for (let i = 0; i < 250; i++) {
      await ledger.grant({ account, amount: 1, source: 'allowance', idempotencyKey: `${account}:a:${i}` })
    }
    expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('granted')
  })

  it('reports an expired session', async () => {
    const { credits, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-1' })
    fake.expireSession(sessionId)
    expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('expired')
  })

  it("answers another account's session exactly like one that does not exist: not_found, nothing else", async () => {
    const { credits, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-5' })
    await credits.webhook(delivery(event('checkout.session.completed', fake.completeSession(sessionId))))

    const other = await credits.getCheckoutStatus(sessionId, { account: 'someone-else' })
    expect(other).toEqual({ status: 'not_found', sessionId, credits: 0, pack: null })
    const missing = await credits.getCheckoutStatus('cs_test_missing', { account })
    expect(missing).toEqual({ status: 'not_found', sessionId: 'cs_test_missing', credits: 0, pack: null })
    // A session this package did not create (no metered metadata) is not the account's either.
    fake.sessions.set('cs_test_foreign', {
      ...(fake.sessions.get(sessionId) ?? {}),
      id: 'cs_test_foreign',
      metadata: {},
    })
    expect(await credits.getCheckoutStatus('cs_test_foreign', { account })).toMatchObject({ status: 'not_found' })

    await expect(credits.getCheckoutStatus('', { account })).rejects.toBeInstanceOf(ValidationError)
    expect((await credits.getCheckoutStatus(sessionId, { account })).status).toBe('granted')
  })

  it('refuses a session id that is not clean text (NUL, lone surrogate) without asking Stripe', async () => {
    const { credits, account } = await setup()
    const before = fake.requestsTo('GET', /^\/v1\/checkout\/sessions\//).length
    for (const bad of ['cs_test_\u0000x', 'cs_test_\uD800', 'cs_'.padEnd(201, 'x')]) {
      await expect(credits.getCheckoutStatus(bad, { account }), JSON.stringify(bad)).rejects.toBeInstanceOf(
        ValidationError,
      )
    }
    expect(fake.requestsTo('GET', /^\/v1\/checkout\/sessions\//).length).toBe(before)
  })

  it('reports a paid session the webhook refused (amount mismatch, unknown pack) as refused, not processing', async () => {
    const { credits, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-50' })
    const paid = fake.completeSession(sessionId)
    Object.assign(fake.sessions.get(sessionId) ?? {}, { amount_total: 100 }) // paid $1 for a $50 pack
    const res = await credits.webhook(delivery(event('checkout.session.completed', { ...paid, amount_total: 100 })))
    expect(await res.json()).toEqual({ received: true, outcome: 'amount_mismatch' })
    expect(await credits.getCheckoutStatus(sessionId, { account })).toMatchObject({
      status: 'refused',
      reason: 'amount_mismatch',
      sessionId,
    })

    const second = await credits.checkout({ account, packId: 'pack-1' })
    fake.completeSession(second.sessionId)
    Object.assign(fake.sessions.get(second.sessionId) ?? {}, {
      metadata: { metered_account: account, metered_pack: 'pack-gone' },
    })
    expect(await credits.getCheckoutStatus(second.sessionId, { account })).toMatchObject({
      status: 'refused',
      reason: 'unknown_pack',
      credits: 0,
      pack: null,
    })
  })

  it('reports Stripe outages as StoreUnavailableError', async () => {
    const { credits, account } = await setup()
    const { sessionId } = await credits.checkout({ account, packId: 'pack-1' })
    fake.fail(/^GET \/v1\/checkout\/sessions\//, 502)
    await expect(credits.getCheckoutStatus(sessionId, { account })).rejects.toBeInstanceOf(StoreUnavailableError)
  })
})
