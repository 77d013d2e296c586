import {
  type ConsumeItem,
  createManualClock,
  fixedWindow,
  type RuleSpec,
  slidingWindow,
  tokenBucket,
} from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStores } from '../src/index.js'
import { connect, type TestClient, uniquePrefix } from './helpers/clients.js'

// A call with one rule runs a script of its own (lua/limiter-single.ts); a call with several
// rules runs the generic script, and the one-step authorize runs it inside the ledger's. All
// three must read and write one state per (key, rule): a rule used alone, then beside another,
// then in authorize, then alone again, counts every unit once. The manual clock stands still at
// the start of an hour, so each rule's remaining is exactly its limit minus what was consumed.
const rules: Record<string, RuleSpec> = {
  fixed: fixedWindow({ limit: 5, window: '1 h' }),
  sliding: slidingWindow({ limit: 5, window: '1 h' }),
  bucket: tokenBucket({ capacity: 5, refillEvery: '1 h' }),
}
const other = fixedWindow({ limit: 1000, window: '1 h' })

describe('redis limiter: one state per rule, whichever script runs it', () => {
  let c: TestClient
  beforeAll(async () => {
    c = await connect('ioredis')
  })
  afterAll(async () => {
    await c.close()
  })

  for (const [kind, rule] of Object.entries(rules)) {
    it(`${kind}: alone, with another rule, in authorize, and alone again share the state`, async () => {
      const stores = createRedisStores(c.client, { prefix: uniquePrefix('shared'), clock: createManualClock() })
      await stores.ledger.grant({ account: 'acct', amount: 100, source: 'p', idempotencyKey: 'g' })
      const item = (cost: number): ConsumeItem => ({ key: 'acct', name: 'r', rule, cost })
      const alone = async (cost: number) => (await stores.limiterStore.consume({ items: [item(cost)] })).rules[0]!

      expect(await alone(2)).toMatchObject({ allowed: true, remaining: 3 })

      const both = await stores.limiterStore.consume({
        items: [item(1), { key: 'acct', name: 'other', rule: other, cost: 1 }],
      })
      expect(both.allowed).toBe(true)
      expect(both.rules[0]).toMatchObject({ name: 'r', remaining: 2 })

      expect(await alone(1)).toMatchObject({ allowed: true, remaining: 1 })

      const ticket = await stores.authorizer.authorize({
        account: 'acct',
        amount: 1,
        ttl: '1 h',
        reason: 'chat',
        charge: true,
        limits: { items: [item(1)] },
      })
      expect(ticket.limits.allowed).toBe(true)
      expect(ticket.limits.rules[0]).toMatchObject({ name: 'r', remaining: 0 })

      // exhausted by the four calls together: the single-rule script sees what the others wrote
      expect(await alone(1)).toMatchObject({ allowed: false, remaining: 0 })
      const peek = await stores.limiterStore.consume({ items: [item(1)], dryRun: true })
      expect(peek.rules[0]).toMatchObject({ allowed: false, remaining: 0 })
    })
  }
})
