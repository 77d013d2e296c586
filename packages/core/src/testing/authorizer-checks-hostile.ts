import { expect } from 'vitest'
import { createLimiter } from '../limiter/create-limiter.js'
import { fixedWindow } from '../limiter/rules.js'
import type { ConsumeRequest } from '../limiter/types.js'
import type { AuthorizeStoreInput } from '../metering/authorizer-types.js'
import { badAmounts, badIds, badMetadata, edgeIds } from './hostile-inputs.js'
import type { AuthorizerHarness } from './types.js'

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

/** What the authorizer checks run with (see authorizer-suite.ts). */
interface Ctx {
  harness: AuthorizerHarness
}

/**
 * The input rules through the one-step authorize: every hostile field is a ValidationError,
 * and neither the balance nor any limiter state changes.
 */
export async function authorizerRefusesHostileInput({ harness }: Ctx): Promise<void> {
  const { ledger, authorizer, limiterStore } = harness
  const account = uid('auth-hostile')
  await ledger.grant({ account, amount: 100, source: 'test', idempotencyKey: uid('grant') })
  const rule = fixedWindow({ limit: 10, window: '1 d' })
  const limiter = createLimiter({ store: limiterStore, rules: { day: rule }, timeout: '30 s' })
  const limits = (key = account): ConsumeRequest => ({ items: [{ key, name: 'day', rule, cost: 1 }] })
  const good: AuthorizeStoreInput = {
    account,
    amount: 1,
    ttl: 60_000,
    reason: 'feature',
    charge: false,
    limits: limits(),
  }
  const before = { balance: await ledger.balance(account), limit: await limiter.peek(account) }
  const base = uid('auth-bad')
  const attempts: Array<[string, AuthorizeStoreInput]> = []
  const over = (name: string, fields: Record<string, unknown>) =>
    attempts.push([name, { ...good, ...fields } as AuthorizeStoreInput])
  for (const h of badIds(base)) {
    for (const charge of [false, true]) {
      over(`account = ${h.name} (charge ${charge})`, { account: h.value, charge })
      over(`reason = ${h.name} (charge ${charge})`, { reason: h.value, charge })
      over(`idempotencyKey = ${h.name} (charge ${charge})`, { idempotencyKey: h.value, charge })
    }
    over(`limit key = ${h.name}`, { limits: limits(h.value as string) })
    over(`limit name = ${h.name}`, { limits: { items: [{ key: account, name: h.value, rule, cost: 1 }] } })
  }
  for (const h of badAmounts) over(`amount = ${h.name}`, { amount: h.value })
  for (const h of badMetadata()) {
    over(`metadata = ${h.name}`, { metadata: h.value })
    over(`metadata = ${h.name} (charge)`, { metadata: h.value, charge: true })
  }
  for (const [name, input] of attempts) {
    let error: unknown
    try {
      await authorizer.authorize(input)
    } catch (e) {
      error = e
    }
    expect((error as { code?: unknown } | undefined)?.code, `${name}: expected ValidationError, got ${error}`).toBe(
      'validation_error',
    )
  }
  expect({ balance: await ledger.balance(account), limit: await limiter.peek(account) }).toEqual(before)
  for (const landed of [base, `${base}\uFFFD`]) {
    expect(await ledger.balance(landed)).toMatchObject({ available: 0, held: 0 })
  }
  expect((await ledger.verify(account)).ok).toBe(true)
}

/** Edge account ids through authorize: each holds from its own balance and its own limit. */
export async function authorizerKeepsEdgeIdsApart({ harness }: Ctx): Promise<void> {
  const { ledger, authorizer, limiterStore } = harness
  const base = uid('auth-edge')
  const ids = edgeIds(base)
    .map((h) => h.value)
    .filter((v) => v.startsWith(base))
  const rule = fixedWindow({ limit: 1000, window: '1 d' })
  const limiter = createLimiter({ store: limiterStore, rules: { day: rule }, timeout: '30 s' })
  for (const [i, account] of ids.entries()) {
    await ledger.grant({ account, amount: 10 + i, source: 'test', idempotencyKey: uid('grant') })
  }
  for (const [i, account] of ids.entries()) {
    const result = await authorizer.authorize({
      account,
      amount: 1 + i,
      ttl: 60_000,
      reason: 'edge',
      charge: i % 2 === 0,
      idempotencyKey: `${account.slice(0, 150)}#${i}`,
      limits: { items: [{ key: account, name: 'day', rule, cost: 1 + i }] },
    })
    expect(result, account).toMatchObject({ ok: true, available: 9 })
  }
  for (const [i, account] of ids.entries()) {
    expect((await limiter.peek(account)).remaining, account).toBe(1000 - 1 - i)
    expect(await ledger.balance(account)).toMatchObject({ available: 9, held: i % 2 === 0 ? 0 : 1 + i })
  }
}
