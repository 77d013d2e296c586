import {
  type Balance,
  type DebitResult,
  type Entry,
  fingerprint,
  type GrantResult,
  type HistoryPage,
  type Ledger,
  normalizeDebit,
  normalizeGrant,
  normalizeHistory,
  normalizeRelease,
  normalizeReserve,
  normalizeRevoke,
  normalizeSettle,
  type ReleaseResult,
  type ReserveResult,
  type RevokeResult,
  type SettleResult,
  type VerifyResult,
} from '@metered/core'
import { validAccount } from './account.js'
import { arg, type Ctx, callFn, jsonArg, nowArg } from './call.js'
import { decodeEntryCursor } from './cursor.js'

interface VerifyRow {
  live: number
  stale: number
  negative: number
  held: number
  entries: number
}

/**
 * The ledger on Postgres. Every method is one call of a plpgsql function installed by
 * `migrate()`: one round trip, one transaction, the account row locked before anything is read.
 * Inputs are validated (and idempotency fingerprints computed) here, before any SQL runs.
 */
export function createPostgresLedger(ctx: Ctx): Ledger {
  return {
    async grant(input) {
      const n = normalizeGrant(input)
      return await callFn<GrantResult>(
        ctx,
        'grant_credits',
        [
          arg(n.account, 'text'),
          arg(n.amount, 'bigint'),
          arg(n.source, 'text'),
          arg(n.expiresAt, 'bigint'),
          arg(n.priority, 'integer'),
          arg(n.idempotencyKey, 'text'),
          arg(fingerprint('grant', n), 'text'),
          jsonArg(n.metadata),
          nowArg(ctx),
        ],
        n.idempotencyKey,
      )
    },

    async debit(input) {
      const n = normalizeDebit(input)
      return await callFn<DebitResult>(
        ctx,
        'debit',
        [
          arg(n.account, 'text'),
          arg(n.amount, 'bigint'),
          arg(n.reason, 'text'),
          arg(n.idempotencyKey, 'text'),
          arg(n.idempotencyKey ? fingerprint('debit', n) : null, 'text'),
          jsonArg(n.metadata),
          nowArg(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async reserve(input) {
      const n = normalizeReserve(input)
      return await callFn<ReserveResult>(
        ctx,
        'reserve',
        [
          arg(n.account, 'text'),
          arg(n.amount, 'bigint'),
          arg(n.ttlMs, 'bigint'),
          arg(n.reason, 'text'),
          arg(n.idempotencyKey, 'text'),
          arg(n.idempotencyKey ? fingerprint('reserve', n) : null, 'text'),
          jsonArg(n.metadata),
          nowArg(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async settle(input) {
      const n = normalizeSettle(input)
      return await callFn<SettleResult>(
        ctx,
        'settle',
        [arg(n.holdId, 'text'), arg(n.amount, 'bigint'), jsonArg(n.metadata), nowArg(ctx)],
        n.holdId,
      )
    },

    async release(input) {
      const n = normalizeRelease(input)
      return await callFn<ReleaseResult>(ctx, 'release', [arg(n.holdId, 'text'), nowArg(ctx)])
    },

    async revoke(input) {
      const n = normalizeRevoke(input)
      return await callFn<RevokeResult>(
        ctx,
        'revoke',
        [
          arg(n.grantId, 'text'),
          arg(n.grantIdempotencyKey, 'text'),
          arg(n.amount, 'bigint'),
          arg(n.reason, 'text'),
          arg(n.idempotencyKey, 'text'),
          arg(n.idempotencyKey ? fingerprint('revoke', n) : null, 'text'),
          jsonArg(n.metadata),
          nowArg(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async balance(account) {
      const a = validAccount(account)
      return await callFn<Balance>(ctx, 'balance', [arg(a, 'text'), nowArg(ctx)])
    },

    async history(account, options) {
      const a = validAccount(account)
      const o = normalizeHistory(options)
      const before = decodeEntryCursor(o.cursor)
      const page = await callFn<{ entries: Entry[]; more: boolean }>(ctx, 'history', [
        arg(a, 'text'),
        arg(before, 'bigint'),
        arg(o.limit, 'integer'),
        arg(o.types, 'text[]'),
        nowArg(ctx),
      ])
      const entries = page.entries.slice(0, o.limit)
      const last = entries[entries.length - 1]
      return { entries, nextCursor: page.more && last ? last.id : null } satisfies HistoryPage
    },

    async verify(account) {
      const a = validAccount(account)
      const v = await callFn<VerifyRow>(ctx, 'verify', [arg(a, 'text'), nowArg(ctx)])
      const problems: string[] = []
      if (v.stale !== 0) problems.push(`expired or revoked grants still hold ${v.stale} units`)
      if (v.negative !== 0) problems.push(`${v.negative} grants have a remainder below zero`)
      if (v.entries !== v.live + v.held) {
        problems.push(`entries sum to ${v.entries}, available + held is ${v.live + v.held}`)
      }
      return {
        ok: problems.length === 0,
        account: a,
        available: v.live,
        held: v.held,
        liveRemainders: v.live,
        entriesSum: v.entries,
        openHolds: v.held,
        problems,
      } satisfies VerifyResult
    },
  }
}
