import { expect } from 'vitest'
import { createLimiter } from '../limiter/create-limiter.js'
import { fixedWindow } from '../limiter/rules.js'
import { createMetered } from '../metering/create-metered.js'
import type { AuthorizerHarness } from './types.js'

// docs/semantics.md, "A released hold frees its idempotency key": the one-step authorize looks
// its key up first, and a key whose hold was released (a ticket cancel) is no longer there, so
// the same key is authorized afresh: a new hold, rules consumed again, a ticket that settles.

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

/** authorize K, cancel, authorize K: a fresh hold that settles; the store call says it is not a replay. */
export const releasedKeyAuthorizesAfresh = async ({ harness }: { harness: AuthorizerHarness }): Promise<void> => {
  const limiter = createLimiter({
    store: harness.limiterStore,
    rules: { calls: fixedWindow({ limit: 1_000, window: '1 d' }) },
    timeout: '30 s',
  })
  const metered = createMetered({ ledger: harness.ledger, limiter, authorizer: harness.authorizer })
  const account = uid('acct')
  await harness.ledger.grant({ account, amount: 100, source: 'test', idempotencyKey: uid('grant') })
  const key = uid('idem')
  const call = () => metered.authorize({ account, feature: 'x', estimate: 40, idempotencyKey: key })

  const first = await call()
  if (!first.ok) throw new Error(`first authorize refused: ${JSON.stringify(first)}`)
  await first.ticket.cancel()
  expect(await harness.ledger.balance(account)).toMatchObject({ available: 100, held: 0 })

  const again = await call()
  if (!again.ok) throw new Error(`authorize after cancel refused: ${JSON.stringify(again)}`)
  expect(again.ticket.holdId, 'a new hold, not the released one').not.toBe(first.ticket.holdId)
  expect(again.available).toBe(60)
  expect((await limiter.peek(account)).remaining, 'the fresh call consumed its rule unit').toBe(998)
  const settled = await again.ticket.settle({ units: 25 })
  expect(settled).toMatchObject({ charged: 25 })
  expect(await harness.ledger.balance(account)).toMatchObject({ available: 75, held: 0 })
  // The key is now bound to a settled hold: a retry replays it and consumes nothing.
  const replay = await call()
  expect(replay).toMatchObject({ ok: true, ticket: { holdId: again.ticket.holdId } })
  expect((await limiter.peek(account)).remaining).toBe(998)

  // The store call itself, and a charge under a key whose estimate hold was released.
  const storeKey = uid('idem')
  const input = { account, amount: 10, ttl: 60_000, reason: 'x', charge: false, idempotencyKey: storeKey }
  const held = await harness.authorizer.authorize({ ...input, limits: limiter.plan(account, {}) })
  if (!held.ok || held.holdId === null) throw new Error(`store authorize refused: ${JSON.stringify(held)}`)
  expect((await harness.ledger.release({ holdId: held.holdId })).ok).toBe(true)
  const fresh = await harness.authorizer.authorize({ ...input, limits: limiter.plan(account, {}) })
  expect(fresh).toMatchObject({ ok: true, replayed: false, available: 65 })
  expect(fresh.ok && fresh.holdId).not.toBe(held.holdId)
  if (fresh.ok && fresh.holdId !== null) await harness.ledger.release({ holdId: fresh.holdId })
  const charged = await harness.authorizer.authorize({ ...input, charge: true, limits: limiter.plan(account, {}) })
  expect(charged, 'a charge under a released key is a fresh charge, not a conflict').toMatchObject({
    ok: true,
    holdId: null,
    replayed: false,
    available: 65,
  })
  expect(await harness.ledger.balance(account)).toMatchObject({ available: 65, held: 0 })
  expect((await harness.ledger.verify(account)).ok).toBe(true)
}
