import { randomBytes } from 'node:crypto'
import type { Ledger } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { delivery, event } from './helpers/events.js'
import { FakeStripe } from './helpers/fake-stripe.js'
import { type LedgerUnderTest, memoryLedger } from './helpers/ledgers.js'
import { postgresLedger } from './helpers/postgres-ledger.js'
import { redisLedger } from './helpers/redis-ledger.js'
import { makeCredits } from './helpers/setup.js'

/**
 * A refund or dispute that lands while the purchased credits are held by an AI call in flight:
 * the revoke finds nothing in `remaining` (all of it is in the hold), so the clawback is
 * `pending` and taken when the hold returns the units. End to end: the real Stripe SDK against
 * the loopback fake, deliveries signed with Stripe's scheme, on the memory, Postgres and Redis ledgers.
 */
const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

const ledgers: LedgerUnderTest[] = [memoryLedger, postgresLedger(), redisLedger()]
afterAll(() => Promise.all(ledgers.map((l) => l.close?.())))

/** pack-1: 1,000 credits for $1.00, granted as 1,000,000 units (unitsPerCredit 1000). */
const PACK_UNITS = 1_000_000

describe.each(ledgers)('refund or dispute while the credits are held, over the $name ledger', (under) => {
  let ledger: Ledger
  let account: string

  /** Buys pack-1 through checkout + a signed checkout.session.completed, then holds all of it. */
  const buyAndHoldAll = async () => {
    ledger = await under.fresh()
    account = `acct-${randomBytes(6).toString('hex')}`
    const made = makeCredits(fake, ledger)
    const { sessionId } = await made.credits.checkout({ account, packId: 'pack-1' })
    const session = fake.completeSession(sessionId)
    const granted = await made.credits.webhook(delivery(event('checkout.session.completed', session)))
    expect(await granted.json()).toEqual({ received: true, outcome: 'granted' })
    const hold = await ledger.reserve({ account, amount: PACK_UNITS, reason: 'generate', ttl: '1 m' })
    if (!hold.ok) throw new Error('reserve refused')
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: PACK_UNITS })
    const chargeId = fake.chargeOf(session.payment_intent as string)?.id as string
    return { ...made, holdId: hold.hold.id, chargeId }
  }

  const post = async (credits: ReturnType<typeof makeCredits>['credits'], type: string, object: object) => {
    const res = await credits.webhook(delivery(event(type, object as Record<string, unknown>)))
    expect(res.status).toBe(200)
    return res.json()
  }

  it('a full refund while all of it is held takes it all back when the hold is released', async () => {
    const { credits, hooks, holdId, chargeId } = await buyAndHoldAll()

    expect(await post(credits, 'charge.refunded', fake.refund(chargeId))).toEqual({
      received: true,
      outcome: 'revoked',
      revoked: 0,
      pending: PACK_UNITS,
    })
    expect(hooks.events).toEqual([
      expect.objectContaining({ type: 'clawback_pending', account, reason: 'refund', revoked: 0, pending: PACK_UNITS }),
    ])
    expect(hooks.errors).toEqual([])

    expect(await ledger.release({ holdId })).toMatchObject({ ok: true, released: 0, forfeited: PACK_UNITS })
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('a 30% refund while held, then settling part of the hold, leaves the paid-for remainder', async () => {
    const { credits, holdId, chargeId } = await buyAndHoldAll()

    // 30% of $1.00 refunded: 300,000 units are owed back, all of them held.
    expect(await post(credits, 'charge.refunded', fake.refund(chargeId, 30))).toEqual({
      received: true,
      outcome: 'revoked',
      revoked: 0,
      pending: 300_000,
    })
    // The call used 400,000: the 600,000 it returns pay the 300,000 owed first.
    expect(await ledger.settle({ holdId, amount: 400_000 })).toMatchObject({
      ok: true,
      charged: 400_000,
      released: 300_000,
      forfeited: 300_000,
    })
    expect(await ledger.balance(account)).toMatchObject({ available: 300_000, held: 0 })
    const [clawback] = (await ledger.history(account, { types: ['revoke'] })).entries
    expect(clawback).toMatchObject({ amount: -300_000, reason: 'clawback', holdId })
    expect((await ledger.verify(account)).ok).toBe(true)

    // A redelivery of the same refund takes nothing more.
    await post(credits, 'charge.refunded', structuredClone(fake.charges.get(chargeId) ?? {}))
    expect((await ledger.balance(account)).available).toBe(300_000)
  })

  it('a dispute while held takes everything back when the hold is released', async () => {
    const { credits, holdId, chargeId } = await buyAndHoldAll()

    expect(await post(credits, 'charge.dispute.created', fake.dispute(chargeId))).toEqual({
      received: true,
      outcome: 'revoked',
      revoked: 0,
      pending: PACK_UNITS,
    })
    await ledger.release({ holdId })
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
    expect((await ledger.verify(account)).ok).toBe(true)
  })

  it('a dispute while held, the hold settled in part: what the call did not use is taken back', async () => {
    const { credits, holdId, chargeId } = await buyAndHoldAll()
    await post(credits, 'charge.dispute.created', fake.dispute(chargeId))
    expect(await ledger.settle({ holdId, amount: 250_000 })).toMatchObject({ ok: true, charged: 250_000 })
    expect(await ledger.balance(account)).toMatchObject({ available: 0, held: 0 })
  })
})
