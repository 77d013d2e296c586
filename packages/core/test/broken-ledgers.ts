import { IdempotencyConflictError } from '../src/errors.js'
import { normalizeDebit, normalizeGrant } from '../src/ledger/normalize.js'
import type { DebitInput, GrantInput, Ledger, ReserveInput, ReserveResult, RevokeInput } from '../src/ledger/types.js'
import type { MemoryLedger } from '../src/memory/memory-ledger.js'
import type { LedgerHarness } from '../src/testing/types.js'

/**
 * Deliberately broken ledgers, each with one classic bug, for proving that the conformance
 * suite catches it. Most wrap a correct memory ledger and break one thing on the way in or out.
 */

/** A harness over `inner` with some operations replaced. */
export function harnessOf(inner: MemoryLedger, overrides: Partial<Ledger>): LedgerHarness {
  const ledger: Ledger = {
    grant: (i) => inner.grant(i),
    debit: (i) => inner.debit(i),
    reserve: (i) => inner.reserve(i),
    settle: (i) => inner.settle(i),
    release: (i) => inner.release(i),
    revoke: (i) => inner.revoke(i),
    balance: (a) => inner.balance(a),
    history: (a, o) => inner.history(a, o),
    verify: (a) => inner.verify(a),
    ...overrides,
  }
  return { ledger, raw: inner.raw }
}

/** Never stores keys: every retry is a new effect (the bug of a missing unique constraint). */
export function forgetsKeys(inner: MemoryLedger): LedgerHarness {
  const fresh = () => `fresh-${crypto.randomUUID()}`
  const strip = <T extends { idempotencyKey?: string }>(input: T): T => {
    const { idempotencyKey: _dropped, ...rest } = input
    return rest as T
  }
  return harnessOf(inner, {
    grant: (i: GrantInput) => inner.grant({ ...i, idempotencyKey: fresh() }),
    debit: (i: DebitInput) => inner.debit(strip(i)),
    reserve: (i: ReserveInput) => inner.reserve(strip(i)),
    revoke: (i: RevokeInput) => inner.revoke(strip(i)),
  })
}

/**
 * Release leaves the key's record behind (the bug of a release that does not delete it): a
 * reserve with the key of a released hold replays that closed hold instead of placing a new one.
 */
export function releaseKeepsKey(inner: MemoryLedger): LedgerHarness {
  const firstByKey = new Map<string, ReserveResult>()
  return harnessOf(inner, {
    reserve: async (i: ReserveInput) => {
      const kept = i.idempotencyKey === undefined ? undefined : firstByKey.get(i.idempotencyKey)
      if (kept) return { ...kept, replayed: true }
      const result = await inner.reserve(i)
      if (result.ok && i.idempotencyKey !== undefined) firstByKey.set(i.idempotencyKey, result)
      return result
    },
  })
}

/** Drops `expiresAt` and stretches hold TTLs (the bug of a column never written or read). */
export function ignoresExpiry(inner: MemoryLedger): LedgerHarness {
  return harnessOf(inner, {
    grant: ({ expiresAt: _dropped, ...rest }: GrantInput) => inner.grant(rest),
    reserve: (i: ReserveInput) => inner.reserve({ ...i, ttl: '3650 d' }),
  })
}

/** Ignores the `types` filter of history (the bug of a WHERE clause left out). */
export function ignoresHistoryTypes(inner: MemoryLedger): LedgerHarness {
  return harnessOf(inner, {
    history: (account, options) => {
      const { types: _dropped, ...rest } = options ?? {}
      return inner.history(account, rest)
    },
  })
}

/** Settles at most the hold: the charge above the hold is silently dropped. */
export function capsSettleAtHold(inner: MemoryLedger): LedgerHarness {
  const held = new Map<string, number>()
  return harnessOf(inner, {
    reserve: async (i) => {
      const r = await inner.reserve(i)
      if (r.ok) held.set(r.hold.id, r.hold.amount)
      return r
    },
    settle: (i) => inner.settle({ ...i, amount: Math.min(i.amount, held.get(i.holdId) ?? i.amount) }),
  })
}

/**
 * Check-then-act in application code: reads the grants, awaits (a round trip), then writes
 * remainders computed from the stale read. Only grant, debit, balance and verify exist; enough
 * for the concurrency checks, which is where this bug lives.
 */
export function checksThenActs(): LedgerHarness {
  const grants = new Map<string, Array<{ id: string; amount: number; remaining: number }>>()
  const entries = new Map<string, Array<{ type: 'grant' | 'debit'; amount: number }>>()
  let ids = 0
  const roundTrip = () => new Promise((resolve) => setImmediate(resolve))
  const list = <T>(m: Map<string, T[]>, k: string) => m.get(k) ?? (m.set(k, []).get(k) as T[])
  const available = (account: string) => list(grants, account).reduce((s, g) => s + g.remaining, 0)
  const notHere = () => Promise.reject(new Error('not implemented by this broken ledger'))

  const ledger: Ledger = {
    async grant(input) {
      const n = normalizeGrant(input)
      const id = `g${++ids}`
      list(grants, n.account).push({ id, amount: n.amount, remaining: n.amount })
      list(entries, n.account).push({ type: 'grant', amount: n.amount })
      return {
        ok: true,
        grantId: id,
        entryId: `e${++ids}`,
        amount: n.amount,
        available: available(n.account),
        replayed: false,
      }
    },
    async debit(input) {
      const n = normalizeDebit(input)
      const snapshot = list(grants, n.account).map((g) => ({ g, remaining: g.remaining }))
      const before = snapshot.reduce((s, x) => s + x.remaining, 0)
      await roundTrip()
      if (before < n.amount) return { ok: false, reason: 'insufficient_credits', available: before, required: n.amount }
      let left = n.amount
      for (const s of snapshot) {
        const take = Math.min(s.remaining, left)
        s.g.remaining = s.remaining - take
        left -= take
      }
      list(entries, n.account).push({ type: 'debit', amount: -n.amount })
      return { ok: true, entryId: `e${++ids}`, amount: n.amount, available: before - n.amount, replayed: false }
    },
    async balance(account) {
      return { account, available: available(account), held: 0, grants: [] }
    },
    async verify(account) {
      const a = available(account)
      const entriesSum = list(entries, account).reduce((s, e) => s + e.amount, 0)
      const problems = a === entriesSum ? [] : [`available ${a} != sum of entries ${entriesSum}`]
      return {
        ok: problems.length === 0,
        account,
        available: a,
        held: 0,
        liveRemainders: a,
        entriesSum,
        openHolds: 0,
        problems,
      }
    },
    reserve: notHere,
    settle: notHere,
    release: notHere,
    revoke: notHere,
    history: notHere,
  }
  return {
    ledger,
    raw: {
      entries: async (account) => list(entries, account),
      grants: async (account) => list(grants, account),
    },
  }
}

/**
 * Revokes only what is left of the grant and ignores its held units (the refund-dodge bug):
 * a partial revoke is clamped to the grant's remainder, so nothing is ever pending and a
 * release hands the refunded units back. Grants are tracked on the way in to find the remainder.
 */
export function revokeIgnoresHeld(inner: MemoryLedger): LedgerHarness {
  const accountOf = new Map<string, string>()
  const byKey = new Map<string, string>()
  return harnessOf(inner, {
    grant: async (i: GrantInput) => {
      const r = await inner.grant(i)
      accountOf.set(r.grantId, i.account)
      byKey.set(i.idempotencyKey, r.grantId)
      return r
    },
    revoke: async (i: RevokeInput) => {
      const grantId = i.grantId ?? byKey.get(i.grantIdempotencyKey ?? '')
      const account = grantId === undefined ? undefined : accountOf.get(grantId)
      if (i.amount === undefined || grantId === undefined || account === undefined) {
        const r = await inner.revoke(i)
        return r.ok ? { ...r, pending: 0 } : r
      }
      const balance = await inner.balance(account)
      const remaining = balance.grants.find((g) => g.id === grantId)?.remaining ?? 0
      if (remaining === 0) {
        const available = balance.available
        return { ok: true, revoked: 0, pending: 0, account, grantId, entryId: null, available, replayed: false }
      }
      return inner.revoke({ ...i, amount: Math.min(i.amount, remaining) })
    },
  })
}

/**
 * Looks the idempotency key up, awaits, then writes (the bug of a key check outside the
 * transaction): sequential retries replay, but a retry racing its original takes effect twice.
 * Each first use of a key gets its own key underneath; later calls use the one recorded first.
 */
export function racesKeys(inner: MemoryLedger): LedgerHarness {
  const under = new Map<string, string>()
  const roundTrip = () => new Promise((resolve) => setImmediate(resolve))
  function keyed<I extends { idempotencyKey?: string }, R>(call: (i: I) => Promise<R>) {
    return async (i: I): Promise<R> => {
      const key = i.idempotencyKey
      if (key === undefined) return call(i)
      const known = under.get(key)
      if (known !== undefined) return call({ ...i, idempotencyKey: known })
      await roundTrip()
      const mine = `${key}#${crypto.randomUUID()}`
      if (!under.has(key)) under.set(key, mine)
      return call({ ...i, idempotencyKey: mine })
    }
  }
  return harnessOf(inner, {
    grant: keyed((i: GrantInput) => inner.grant(i)),
    debit: keyed((i: DebitInput) => inner.debit(i)),
    reserve: keyed((i: ReserveInput) => inner.reserve(i)),
    revoke: keyed((i: RevokeInput) =>
      inner.revoke(
        i.grantIdempotencyKey === undefined
          ? i
          : { ...i, grantIdempotencyKey: under.get(i.grantIdempotencyKey) ?? i.grantIdempotencyKey },
      ),
    ),
  })
}

/**
 * One key namespace for every account (the layout before keys were scoped per account): a key
 * once used by one account conflicts for every other account.
 */
export function globalKeys(inner: MemoryLedger): LedgerHarness {
  const owner = new Map<string, string>()
  const claim = (account: string, key: string | undefined) => {
    if (key === undefined) return
    const first = owner.get(key)
    if (first !== undefined && first !== account) throw new IdempotencyConflictError(key)
    owner.set(key, account)
  }
  return harnessOf(inner, {
    grant: async (i: GrantInput) => {
      claim(i.account, i.idempotencyKey)
      return inner.grant(i)
    },
    debit: async (i: DebitInput) => {
      claim(i.account, i.idempotencyKey)
      return inner.debit(i)
    },
    reserve: async (i: ReserveInput) => {
      claim(i.account, i.idempotencyKey)
      return inner.reserve(i)
    },
    revoke: async (i: RevokeInput) => {
      claim(i.account, i.idempotencyKey)
      return inner.revoke(i)
    },
  })
}

/** Revoke ignores the account it names and acts on the grant's own account. */
export function revokeAnyAccount(inner: MemoryLedger): LedgerHarness {
  const accountOf = new Map<string, string>()
  return harnessOf(inner, {
    grant: async (i: GrantInput) => {
      const result = await inner.grant(i)
      accountOf.set(result.grantId, i.account)
      accountOf.set(`key:${i.idempotencyKey}`, i.account)
      return result
    },
    revoke: (i: RevokeInput) => {
      const found = accountOf.get(i.grantId ?? `key:${i.grantIdempotencyKey}`)
      return inner.revoke({ ...i, account: found ?? i.account })
    },
  })
}
