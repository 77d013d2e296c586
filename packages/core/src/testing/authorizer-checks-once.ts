import { expect } from 'vitest'
import { createLimiter } from '../limiter/create-limiter.js'
import { fixedWindow } from '../limiter/rules.js'
import { createMetered } from '../metering/create-metered.js'
import type { AuthorizerHarness } from './types.js'
import { validationProbe } from './validation-probe.js'

const uid = (prefix: string) => `${prefix}-${crypto.randomUUID()}`

/**
 * One authorize is validated once, through the authorizer itself and through `createMetered`
 * (which validates the call and hands the driver behind the authorizer what it normalised):
 * the metadata rule reads the probe once per validation.
 */
export async function authorizeValidatedOnce({ harness }: { harness: AuthorizerHarness }): Promise<void> {
  const { ledger, authorizer, limiterStore } = harness
  const account = uid('auth-once')
  await ledger.grant({ account, amount: 100, source: 'test', idempotencyKey: uid('grant') })
  const rule = fixedWindow({ limit: 10, window: '1 d' })
  for (const charge of [false, true]) {
    const probe = validationProbe()
    const result = await authorizer.authorize({
      account,
      amount: 1,
      ttl: 60_000,
      reason: 'once',
      charge,
      idempotencyKey: uid('key'),
      metadata: probe.metadata,
      limits: { items: [{ key: account, name: 'day', rule, cost: 1 }] },
    })
    expect(result.ok).toBe(true)
    expect(probe.validations(), `authorizer.authorize (charge ${charge}): validations`).toBe(1)
  }
  const limiter = createLimiter({ store: limiterStore, rules: { day: rule }, timeout: '30 s' })
  const metered = createMetered({ ledger, limiter, authorizer })
  for (const price of [undefined, 1]) {
    const probe = validationProbe()
    const call = { account, feature: 'once', idempotencyKey: uid('key'), metadata: probe.metadata }
    const result = await metered.authorize(price === undefined ? { ...call, estimate: 1 } : { ...call, price })
    expect(result.ok).toBe(true)
    expect(probe.validations(), `metered.authorize (${price === undefined ? 'hold' : 'charge'}): validations`).toBe(1)
  }
}
