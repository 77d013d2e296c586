import { describe, expect, it } from 'vitest'
import {
  type Authorizer,
  type AuthorizeStoreInput,
  type AuthorizeStoreResult,
  type ConsumeResult,
  createManualClock,
  createMemoryStores,
  type Ledger,
  type LimiterStore,
} from '../src/index.js'
import { type AuthorizerCheck, authorizerChecks } from '../src/testing/index.js'

/** The reserve both broken authorizers end with, after their limiter step. */
async function holdAfter(
  ledger: Ledger,
  input: AuthorizeStoreInput,
  limits: ConsumeResult,
): Promise<AuthorizeStoreResult> {
  const reserved = await ledger.reserve({
    account: input.account,
    amount: input.amount,
    ttl: input.ttl,
    reason: input.reason,
  })
  if (!reserved.ok) {
    return { ok: false, reason: 'insufficient_credits', available: reserved.available, required: input.amount, limits }
  }
  return { ok: true, holdId: reserved.hold.id, entryId: null, available: reserved.available, limits, replayed: false }
}

/** Consumes the limits first and only then looks at the balance: refused calls still cost quota. */
function limitsFirst(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  return {
    limiterStore,
    async authorize(input) {
      const limits = await limiterStore.consume(input.limits)
      if (!limits.allowed) return { ok: false, reason: 'rate_limited', available: 0, limits }
      return holdAfter(ledger, input, limits)
    },
  }
}

/** Checks, then awaits, then commits: concurrent callers all pass the check. */
function checkThenAct(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  return {
    limiterStore,
    async authorize(input) {
      const check = await limiterStore.consume({ ...input.limits, dryRun: true })
      const { available } = await ledger.balance(input.account)
      if (available < input.amount)
        return { ok: false, reason: 'insufficient_credits', available, required: input.amount, limits: check }
      if (!check.allowed) return { ok: false, reason: 'rate_limited', available, limits: check }
      await new Promise((r) => setTimeout(r, 1))
      // commits on the strength of the earlier check: a refusal at commit time goes unnoticed
      const limits = await limiterStore.consume(input.limits)
      return holdAfter(ledger, input, limits)
    },
  }
}

async function run(check: AuthorizerCheck, make: (l: Ledger, s: LimiterStore) => Authorizer) {
  const clock = createManualClock()
  const { ledger, limiterStore } = createMemoryStores({ clock })
  await check({ harness: { ledger, limiterStore, authorizer: make(ledger, limiterStore) }, clock, concurrency: 100 })
}

describe('the authorizer suite catches broken authorizers', () => {
  it('limits consumed before the balance check fail "refusals consume nothing anywhere"', async () => {
    await expect(run(authorizerChecks['refusals consume nothing anywhere'], limitsFirst)).rejects.toThrow()
    await expect(
      run(
        authorizerChecks['the balance binds: exactly the balance admitted, limits charged only for those'],
        limitsFirst,
      ),
    ).rejects.toThrow()
  })

  it('check-then-act fails "a rule binds" under concurrency', async () => {
    await expect(
      run(authorizerChecks['a rule binds: exactly the limit admitted under concurrency'], checkThenAct),
    ).rejects.toThrow()
  })

  it('the memory authorizer passes the same checks', async () => {
    const clock = createManualClock()
    const stores = createMemoryStores({ clock })
    for (const check of Object.values(authorizerChecks)) {
      await check({ harness: stores, clock, concurrency: 100 })
    }
  })
})
