import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, type TestClient, uniquePrefix } from './helpers/clients.js'

// docs/redis.md: release cannot delete its key's record (it cannot declare it), so a record
// naming a released hold reads as free, and that hold must outlive the closed-holds trim: were
// it trimmed, the record would name a forgotten hold and the key would replay it again.
for (const flavour of FLAVOURS) {
  describe(`redis: a released hold frees its key past closedHoldsLimit (${flavour})`, () => {
    let c: TestClient
    beforeAll(async () => {
      c = await connect(flavour)
    })
    afterAll(async () => {
      await c.close()
    })

    it('the key stays free after later holds close, while an unkeyed released hold is forgotten', async () => {
      const prefix = uniquePrefix('relkey')
      const { ledger } = createRedisStores(c.client, { prefix, closedHoldsLimit: 1 })
      await ledger.grant({ account: 'a', amount: 100, source: 'p', idempotencyKey: `${prefix}g` })
      const key = `${prefix}K`
      const reserve = () => ledger.reserve({ account: 'a', amount: 5, ttl: '1 h', idempotencyKey: key })
      const first = await reserve()
      if (!first.ok) throw new Error('refused')
      await ledger.release({ holdId: first.hold.id })
      const unkeyed = await ledger.reserve({ account: 'a', amount: 1, ttl: '1 h' })
      if (!unkeyed.ok) throw new Error('refused')
      await ledger.release({ holdId: unkeyed.hold.id })
      // two more closed holds: past the limit of 1, both holds above are due for trimming
      for (const k of ['x', 'y']) {
        const h = await ledger.reserve({ account: 'a', amount: 1, ttl: '1 h', idempotencyKey: `${prefix}${k}` })
        if (h.ok) await ledger.settle({ holdId: h.hold.id, amount: 1 })
      }
      expect(await ledger.release({ holdId: unkeyed.hold.id })).toEqual({ ok: false, reason: 'hold_not_found' })
      const again = await reserve()
      expect(again).toMatchObject({ ok: true, replayed: false })
      expect(again.ok && again.hold.id).not.toBe(first.hold.id)
      expect(await ledger.balance('a')).toMatchObject({ available: 93, held: 5 })
      expect((await ledger.verify('a')).ok).toBe(true)
    })
  })
}
