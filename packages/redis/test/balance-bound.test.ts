import { createManualClock, MAX_BALANCE, ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'
import { rawReaders } from './helpers/raw-readers.js'

// docs/semantics.md "Amounts": available + held never passes MAX_BALANCE (2^53 - 1), the largest
// integer a Lua double (and a JS number) carries exactly. The script refuses the grant itself.
const MAX = MAX_BALANCE

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ValidationError)
  return error as ValidationError
}

for (const flavour of FLAVOURS) {
  describe(`redis balance bound (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connect(flavour)
    })
    afterAll(async () => {
      await c.close()
    })

    function setup(historyLimit?: number) {
      const prefix = uniquePrefix('bound')
      const clock = createManualClock()
      const stores = createRedisStores(c.client, { prefix, clock, ...(historyLimit ? { historyLimit } : {}) })
      return { ...stores, clock, raw: rawReaders(c.client, prefix), key: (k: string) => `${prefix}${k}` }
    }

    it('fills an account to exactly MAX_BALANCE and refuses one unit more, writing nothing', async () => {
      const { ledger, raw, key } = setup()
      expect(MAX).toBe(2 ** 53 - 1)
      expect(
        await ledger.grant({ account: 'a', amount: MAX - 1, source: 's', idempotencyKey: key('g1') }),
      ).toMatchObject({ available: MAX - 1 })
      const error = await refusal(ledger.grant({ account: 'a', amount: 2, source: 's', idempotencyKey: key('g2') }))
      expect(error.issues.map((i) => i.path)).toEqual(['amount'])
      expect(await raw.entries('a')).toHaveLength(1)
      expect(await ledger.balance('a')).toMatchObject({ available: MAX - 1, held: 0 })
      // the refused key was not remembered: the same key later grants afresh
      expect(await ledger.grant({ account: 'a', amount: 1, source: 's', idempotencyKey: key('g2') })).toMatchObject({
        available: MAX,
        replayed: false,
      })
      await refusal(ledger.grant({ account: 'a', amount: 1, source: 's', idempotencyKey: key('g3') }))
      // a replay at the bound is still a replay, not a refusal
      expect(await ledger.grant({ account: 'a', amount: 1, source: 's', idempotencyKey: key('g2') })).toMatchObject({
        replayed: true,
      })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, available: MAX, entriesSum: MAX })
    })

    it('counts held units: a hold does not open room for more', async () => {
      const { ledger, key } = setup()
      await ledger.grant({ account: 'a', amount: MAX - 10, source: 's', idempotencyKey: key('g1') })
      const r = await ledger.reserve({ account: 'a', amount: MAX - 15, ttl: '1 h' })
      if (!r.ok) throw new Error('refused')
      await refusal(ledger.grant({ account: 'a', amount: 11, source: 's', idempotencyKey: key('g2') }))
      expect(await ledger.grant({ account: 'a', amount: 10, source: 's', idempotencyKey: key('g3') })).toMatchObject({
        available: 15,
      })
      expect(await ledger.balance('a')).toMatchObject({ available: 15, held: MAX - 15 })
      expect(await ledger.settle({ holdId: r.hold.id, amount: MAX - 16 })).toMatchObject({
        charged: MAX - 16,
        released: 1,
      })
      expect(await ledger.verify('a')).toMatchObject({ ok: true, available: 16, held: 0, entriesSum: 16 })
    })

    it('an already expired grant above the bound is refused too (its entry would pass it)', async () => {
      const { ledger, clock, key } = setup()
      await ledger.grant({ account: 'a', amount: MAX, source: 's', idempotencyKey: key('g1') })
      await refusal(
        ledger.grant({ account: 'a', amount: 1, source: 's', idempotencyKey: key('g2'), expiresAt: clock.now() }),
      )
    })

    it('keeps every sum exact across grants totalling far more than 2^53, with history trimmed', async () => {
      const { ledger, key } = setup(3)
      // entries: +MAX, -MAX, +MAX, -(MAX-1), +(MAX-1), -(MAX-2): their positive parts add up to ~3 * 2^53,
      // but every running sum in entry order stays within [0, MAX]
      await ledger.grant({ account: 'a', amount: MAX, source: 's', idempotencyKey: key('g1') })
      expect(await ledger.debit({ account: 'a', amount: MAX, reason: 'd' })).toMatchObject({ ok: true, available: 0 })
      await ledger.grant({ account: 'a', amount: MAX, source: 's', idempotencyKey: key('g2') })
      expect(await ledger.debit({ account: 'a', amount: MAX - 1, reason: 'd' })).toMatchObject({ available: 1 })
      await ledger.grant({ account: 'a', amount: MAX - 1, source: 's', idempotencyKey: key('g3') })
      expect(await ledger.debit({ account: 'a', amount: MAX - 2, reason: 'd' })).toMatchObject({ available: 2 })
      const page = await ledger.history('a')
      expect(page.entries.map((e) => e.amount)).toEqual([-(MAX - 2), MAX - 1, -(MAX - 1)])
      expect(await ledger.verify('a')).toMatchObject({ ok: true, available: 2, entriesSum: 2, problems: [] })
      expect(await ledger.balance('a')).toMatchObject({
        available: 2,
        grants: [{ amount: MAX - 1, remaining: 2 }],
      })
    })
  })
}
