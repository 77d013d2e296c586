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

/**
 * The start of both check-first authorizers: a dry run of the rules and a read of the balance,
 * and a refusal when either says no.
 */
async function checkFirst(
  ledger: Ledger,
  limiterStore: LimiterStore,
  input: AuthorizeStoreInput,
): Promise<{ refused: AuthorizeStoreResult } | { check: ConsumeResult; available: number }> {
  const check = await limiterStore.consume({ ...input.limits, dryRun: true })
  const { available } = await ledger.balance(input.account)
  if (available < input.amount)
    return { refused: { ok: false, reason: 'insufficient_credits', available, required: input.amount, limits: check } }
  if (!check.allowed) return { refused: { ok: false, reason: 'rate_limited', available, limits: check } }
  return { check, available }
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
      const first = await checkFirst(ledger, limiterStore, input)
      if ('refused' in first) return first.refused
      await new Promise((r) => setTimeout(r, 1))
      // commits on the strength of the earlier check: a refusal at commit time goes unnoticed
      const limits = await limiterStore.consume(input.limits)
      return holdAfter(ledger, input, limits)
    },
  }
}

/**
 * Checks the balance and the rules first and only then reserves under the key (the retried
 * authorize bug): a retry is refused whenever the first call drained the balance or spent a rule.
 */
function checksBeforeReplay(ledger: Ledger, limiterStore: LimiterStore): Authorizer {
  return {
    limiterStore,
    async authorize(input) {
      const first = await checkFirst(ledger, limiterStore, input)
      if ('refused' in first) return first.refused
      const { check, available } = first
      const reserved = await ledger.reserve({
        account: input.account,
        amount: input.amount,
        ttl: input.ttl,
        reason: input.reason,
        ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      })
      if (!reserved.ok)
        return { ok: false, reason: 'insufficient_credits', available, required: input.amount, limits: check }
      const limits = reserved.replayed ? check : await limiterStore.consume(input.limits)
      if (!input.charge) {
        const { available: left, replayed } = reserved
        return { ok: true, holdId: reserved.hold.id, entryId: null, available: left, limits, replayed }
      }
      const settled = await ledger.settle({ holdId: reserved.hold.id, amount: input.amount })
      if (!settled.ok) throw new Error(`settle failed: ${settled.reason}`)
      const { entryId, available: left } = settled
      return { ok: true, holdId: null, entryId, available: left, limits, replayed: reserved.replayed }
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

  it('checks before the replay: a retried authorize is refused by its own first call', async () => {
    const checks = authorizerChecks
    await expect(
      run(checks['a retry after the first call drained the balance replays (charge and hold)'], checksBeforeReplay),
    ).rejects.toThrow(/retry: expected ok, got .*insufficient_credits/)
    await expect(
      run(checks['a retry while a 1/hour rule is spent replays and consumes no rule units'], checksBeforeReplay),
    ).rejects.toThrow(/rate_limited/)
    await expect(
      run(checks['a retry with another amount is an idempotency conflict, nothing consumed'], checksBeforeReplay),
    ).rejects.toThrow(/idempotency_conflict/)
    await expect(
      run(checks['the store replays first: same hold or entry, stored available, dry-run limits'], checksBeforeReplay),
    ).rejects.toThrow(/store replay/)
    // Fresh calls are right: the bug is only about retries.
    await run(checks['refusals consume nothing anywhere'], checksBeforeReplay)
  })

  it('the memory authorizer passes the same checks', async () => {
    const clock = createManualClock()
    const stores = createMemoryStores({ clock })
    for (const check of Object.values(authorizerChecks)) {
      await check({ harness: stores, clock, concurrency: 100 })
    }
  })
})
