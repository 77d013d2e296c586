import { ledgerFrom } from '../adapter/ledger-from.js'
import { type Clock, systemClock } from '../clock.js'
import { IdempotencyConflictError, ValidationError } from '../errors.js'
import type { LedgerDriver } from '../ledger/ledger-driver.js'
import type { NormalizedReserve, NormalizedSettle } from '../ledger/normalized.js'
import {
  type DebitResult,
  type GrantResult,
  type Hold,
  type Ledger,
  type LedgerRawReaders,
  MAX_BALANCE,
  type ReleaseResult,
  type ReserveResult,
  type RevokeResult,
  type SettleResult,
} from '../ledger/types.js'
import { readBalance, readHistory, readVerify } from './ledger-reads.js'
import {
  type AccountState,
  type Allocation,
  accountState,
  appendEntry,
  closeHold,
  createLedgerState,
  giveBack,
  grantByKey,
  type HoldRow,
  heldFrom,
  housekeep,
  isLive,
  nextId,
  noteExpiry,
  openHold,
  scopedKey,
  take,
} from './ledger-state.js'
import { attachSync, type MemoryLedgerSync } from './memory-sync.js'

/** The memory ledger: a {@link Ledger} plus readers over its rows for the conformance suite. */
export interface MemoryLedger extends Ledger {
  /** Reads the stored rows directly (what `ledgerSuite` uses to check what was written). */
  raw: LedgerRawReaders
}

/** Options of {@link createMemoryLedger}. */
export interface MemoryLedgerOptions {
  /** Where time comes from. @default systemClock */
  clock?: Clock
}

/**
 * The reference ledger: docs/semantics.md executed literally, in memory. Adapters are proven
 * against it by `ledgerSuite`; apps use it in tests and single-process demos (state is lost on
 * restart and not shared between processes).
 *
 * A driver under `ledgerFrom`, which validates each call first; every operation then runs
 * synchronously from housekeeping to the last write, so concurrent async callers never
 * interleave inside one: check and write are one step.
 */
export function createMemoryLedger(options: MemoryLedgerOptions = {}): MemoryLedger {
  const clock = options.clock ?? systemClock
  const state = createLedgerState()

  /** Runs housekeeping for `account` at the operation's `now` and returns its state. */
  function touch(account: string, now: number): AccountState {
    const acc = accountState(state, account)
    housekeep(state, acc, now)
    return acc
  }

  /**
   * A stored result for `account`'s `key`, replayed; a conflict if the key was bound to other
   * parameters. Keys are scoped per account: another account's use of the same key is unrelated.
   */
  function replay<T extends object>(
    account: string,
    key: string | null,
    print: string,
  ): (T & { replayed: true }) | undefined {
    if (key === null) return undefined
    const record = state.keys.get(scopedKey(account, key))
    if (!record) return undefined
    if (record.fingerprint !== print) throw new IdempotencyConflictError(key)
    return { ...(record.result as T), replayed: true }
  }

  function remember(account: string, key: string | null, print: string, result: object): void {
    if (key !== null) state.keys.set(scopedKey(account, key), { fingerprint: print, result })
  }

  /**
   * A keyed write for `n.account`: a result stored under the key is replayed (a conflict when the
   * key was bound to other parameters) and `write` does not run; a success of `write` is stored
   * under the key. Refusals are not stored: a retry after a top-up is evaluated afresh.
   */
  function once<T extends { ok: boolean }>(
    n: { account: string; idempotencyKey: string | null },
    fingerprint: string | null,
    write: () => T,
  ): T {
    const print = fingerprint ?? ''
    const replayed = replay<T>(n.account, n.idempotencyKey, print)
    if (replayed) return replayed
    const result = write()
    if (result.ok) remember(n.account, n.idempotencyKey, print, result)
    return result
  }

  /**
   * A released hold frees its key, like a refusal leaves none: the next call with it is
   * evaluated afresh (docs/semantics.md). Only while the key still names this hold.
   */
  function forgetKeyOf(hold: HoldRow): void {
    if (hold.key === null) return
    const scoped = scopedKey(hold.account, hold.key)
    const stored = state.keys.get(scoped)?.result as { hold?: Hold } | undefined
    if (stored?.hold?.id === hold.id) state.keys.delete(scoped)
  }

  function reserveNow(n: NormalizedReserve, fingerprint: string | null): ReserveResult {
    const now = clock.now()
    const acc = touch(n.account, now)
    return once<ReserveResult>(n, fingerprint, () => {
      if (acc.available < n.amount) {
        return { ok: false, reason: 'insufficient_credits', available: acc.available, required: n.amount }
      }
      const hold: HoldRow = {
        id: nextId(state, 'hold'),
        account: n.account,
        amount: n.amount,
        reason: n.reason,
        expiresAt: now + n.ttlMs,
        createdAt: now,
        metadata: n.metadata,
        status: 'open',
        allocations: take(acc, n.amount, now),
        key: n.idempotencyKey,
      }
      state.holds.set(hold.id, hold)
      openHold(acc, hold)
      return { ok: true, hold: publicHold(hold), available: acc.available, replayed: false }
    })
  }

  function settleNow(n: NormalizedSettle): SettleResult {
    const now = clock.now()
    const hold = state.holds.get(n.holdId)
    if (!hold) return { ok: false, reason: 'hold_not_found' }
    const acc = touch(hold.account, now)
    if (hold.status === 'released') return { ok: false, reason: 'hold_closed' }
    if (hold.settled) {
      // The hold id is the settle's idempotency key; the amount is its only parameter.
      if (hold.settled.amount !== n.amount) throw new IdempotencyConflictError(hold.id)
      return { ...(hold.settled.result as SettleResult & { ok: true }), replayed: true }
    }
    let fromHold = 0
    let released = 0
    let forfeited = 0
    const holdExpired = hold.status === 'expired'
    if (!holdExpired) {
      fromHold = Math.min(n.amount, hold.amount)
      const back = giveBack(state, acc, hold, leftover(hold.allocations, fromHold), now)
      released = back.released
      forfeited = back.forfeited
      closeHold(acc, hold, 'settled')
    } else {
      hold.status = 'settled'
    }
    // Above the hold (or after it expired), the rest comes from available credits as far as they go.
    const wanted = n.amount - fromHold
    const extra = Math.min(wanted, acc.available)
    if (extra > 0) take(acc, extra, now)
    const charged = fromHold + extra
    const entry =
      charged > 0
        ? appendEntry(state, acc, {
            account: hold.account,
            type: 'debit',
            amount: -charged,
            grantId: null,
            holdId: hold.id,
            reason: hold.reason,
            metadata: n.metadata ?? hold.metadata,
            createdAt: now,
          })
        : null
    const result: SettleResult = {
      ok: true,
      charged,
      released,
      shortfall: wanted - extra,
      forfeited,
      entryId: entry?.id ?? null,
      available: acc.available,
      holdExpired,
      replayed: false,
    }
    hold.settled = { amount: n.amount, result }
    return result
  }

  const driver: LedgerDriver = {
    async grant(n, print) {
      const now = clock.now()
      const acc = touch(n.account, now)
      return once<GrantResult>(n, print, () => {
        // Counted before a grant already past its expiry is expired: the bound is on what an
        // account can ever be asked to hold, so no running total or sum passes 2^53 - 1.
        if (n.amount > MAX_BALANCE - acc.available - acc.held) {
          throw new ValidationError(
            [{ path: 'amount', message: `would take the account past ${MAX_BALANCE} units (available + held)` }],
            'grant',
          )
        }
        const grant = {
          id: nextId(state, 'grant'),
          account: n.account,
          source: n.source,
          amount: n.amount,
          remaining: n.amount,
          clawback: 0,
          priority: n.priority,
          expiresAt: n.expiresAt,
          createdAt: now,
          seq: state.seq + 1,
          status: 'live' as const,
        }
        state.grants.set(grant.id, grant)
        acc.grants.push(grant)
        acc.available += grant.amount
        noteExpiry(acc, grant.expiresAt)
        const entry = appendEntry(state, acc, {
          account: n.account,
          type: 'grant',
          amount: n.amount,
          grantId: grant.id,
          holdId: null,
          reason: n.source,
          metadata: n.metadata,
          createdAt: now,
        })
        // A grant already past its expiry is expired at once rather than on the next touch:
        // the same end state, and `available` in the result is then already right.
        housekeep(state, acc, now)
        return {
          ok: true,
          grantId: grant.id,
          entryId: entry.id,
          amount: n.amount,
          available: acc.available,
          replayed: false,
        }
      })
    },

    async debit(n, fingerprint) {
      const now = clock.now()
      const acc = touch(n.account, now)
      return once<DebitResult>(n, fingerprint, () => {
        if (acc.available < n.amount) {
          return { ok: false, reason: 'insufficient_credits', available: acc.available, required: n.amount }
        }
        take(acc, n.amount, now)
        const entry = appendEntry(state, acc, {
          account: n.account,
          type: 'debit',
          amount: -n.amount,
          grantId: null,
          holdId: null,
          reason: n.reason,
          metadata: n.metadata,
          createdAt: now,
        })
        return { ok: true, entryId: entry.id, amount: n.amount, available: acc.available, replayed: false }
      })
    },

    async reserve(n, fingerprint) {
      return reserveNow(n, fingerprint)
    },

    async settle(n) {
      return settleNow(n)
    },

    async release(n) {
      const now = clock.now()
      const hold = state.holds.get(n.holdId)
      if (!hold) return { ok: false, reason: 'hold_not_found' }
      const acc = touch(hold.account, now)
      if (hold.status === 'settled') return { ok: false, reason: 'hold_closed' }
      if (hold.status !== 'open') {
        return { ok: true, released: 0, forfeited: 0, available: acc.available, replayed: true }
      }
      const back = giveBack(state, acc, hold, hold.allocations, now)
      closeHold(acc, hold, 'released')
      forgetKeyOf(hold)
      const result: ReleaseResult = { ok: true, ...back, available: acc.available, replayed: false }
      return result
    },

    async revoke(n, fingerprint) {
      const now = clock.now()
      return once<RevokeResult>(n, fingerprint, () => {
        const grant =
          n.grantId !== null ? state.grants.get(n.grantId) : grantByKey(state, n.account, n.grantIdempotencyKey ?? '')
        // A grant of another account is not found: revoke acts within the account it names.
        if (grant?.account !== n.account) return { ok: false, reason: 'grant_not_found' }
        const acc = touch(grant.account, now)
        let revoked = 0
        let pending = 0
        if (isLive(grant, now)) {
          // Held units cannot be taken now: they are taken when their hold returns them.
          const held = heldFrom(acc, grant)
          if (n.amount === null) {
            revoked = grant.remaining
            pending = held
            grant.status = 'revoked'
          } else {
            revoked = Math.min(grant.remaining, n.amount)
            pending = Math.min(n.amount - revoked, Math.max(0, held - grant.clawback))
            grant.clawback += pending
          }
        }
        grant.remaining -= revoked
        acc.available -= revoked
        const entry =
          revoked > 0
            ? appendEntry(state, acc, {
                account: grant.account,
                type: 'revoke',
                amount: -revoked,
                grantId: grant.id,
                holdId: null,
                reason: n.reason,
                metadata: n.metadata,
                createdAt: now,
              })
            : null
        return {
          ok: true,
          revoked,
          pending,
          account: grant.account,
          grantId: grant.id,
          entryId: entry?.id ?? null,
          available: acc.available,
          replayed: false,
        }
      })
    },

    async balance(account) {
      return readBalance(touch(account, clock.now()), account, clock.now())
    },

    async history(account, options) {
      return readHistory(touch(account, clock.now()), options)
    },

    async verify(account) {
      return readVerify(touch(account, clock.now()), account, clock.now())
    },
  }

  const raw: LedgerRawReaders = {
    async entries(account) {
      return (state.accounts.get(account)?.entries ?? []).map((e) => ({ type: e.type, amount: e.amount }))
    },
    async grants(account) {
      return (state.accounts.get(account)?.grants ?? []).map((g) => ({
        id: g.id,
        amount: g.amount,
        remaining: g.remaining,
      }))
    },
  }

  attachSync<LedgerDriver, MemoryLedgerSync>(driver, {
    replayReserve(n, fingerprint) {
      if (n.idempotencyKey === null || fingerprint === null) return undefined
      return replay<ReserveResult & { ok: true }>(n.account, n.idempotencyKey, fingerprint)
    },
    settledResult(holdId) {
      const settled = state.holds.get(holdId)?.settled
      return settled ? (settled.result as SettleResult & { ok: true }) : undefined
    },
    reserve: reserveNow,
    settle: settleNow,
    available: (account) => touch(account, clock.now()).available,
  })
  return Object.assign(ledgerFrom(driver), { raw })
}

/** What is left of `allocations` after charging `charged` units from them in order. */
function leftover(allocations: Allocation[], charged: number): Allocation[] {
  const rest: Allocation[] = []
  let toCharge = charged
  for (const a of allocations) {
    const c = Math.min(a.units, toCharge)
    toCharge -= c
    if (a.units > c) rest.push({ grant: a.grant, units: a.units - c })
  }
  return rest
}

function publicHold(hold: HoldRow): Hold {
  return {
    id: hold.id,
    account: hold.account,
    amount: hold.amount,
    reason: hold.reason,
    expiresAt: hold.expiresAt,
    createdAt: hold.createdAt,
  }
}
