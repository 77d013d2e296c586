import type {
  Balance,
  DebitResult,
  Entry,
  GrantResult,
  HistoryPage,
  ReleaseResult,
  ReserveResult,
  RevokeResult,
  SettleResult,
  VerifyResult,
} from '@metered/core'
import { type LedgerDriver, MAX_BALANCE } from '@metered/core/adapter'
import { type Ctx, callFn, callReadFn, jsonParam, nowParam } from './call.js'
import { decodeEntryCursor } from './cursor.js'

/** verify's figures: sums exactly, as decimal text, and counts. */
interface VerifyRow {
  exact: { cached: string; live: string; stale: string; held: string; entries: string }
  negative: number
  negativeClawback: number
  remainingAndClawback: number
}

/** verify's checks, on exact integers: docs/semantics.md, verify. */
function verifyProblems(v: VerifyRow): string[] {
  const cached = BigInt(v.exact.cached)
  const live = BigInt(v.exact.live)
  const stale = BigInt(v.exact.stale)
  const held = BigInt(v.exact.held)
  const entries = BigInt(v.exact.entries)
  const problems: string[] = []
  if (cached !== live) problems.push(`available is ${cached}, live grants hold ${live}`)
  if (stale !== 0n) problems.push(`expired or revoked grants still hold ${stale} units`)
  if (v.negative !== 0) problems.push(`${v.negative} grants have a remainder below zero`)
  if (v.negativeClawback !== 0) problems.push(`${v.negativeClawback} grants have a clawback below zero`)
  if (v.remainingAndClawback !== 0) {
    problems.push(`${v.remainingAndClawback} grants have both units left and a clawback outstanding`)
  }
  if (held < 0n) problems.push(`open holds sum to ${held}`)
  if (entries !== cached + held) problems.push(`entries sum to ${entries}, available + held is ${cached + held}`)
  if (cached + held > BigInt(MAX_BALANCE)) problems.push(`available + held is ${cached + held}, above MAX_BALANCE`)
  return problems
}

/**
 * The ledger driver on Postgres. Every method is one call of a plpgsql function installed by
 * `migrate()`: one round trip, one transaction, the account row locked before anything is read.
 * Inputs arrive validated, with their fingerprints (`ledgerFrom`).
 */
export function createPostgresLedgerDriver(ctx: Ctx): LedgerDriver {
  return {
    async grant(n, print) {
      return await callFn<GrantResult>(
        ctx,
        'grant_credits',
        [
          [n.account, 'text'],
          [n.amount, 'bigint'],
          [n.source, 'text'],
          [n.expiresAt, 'bigint'],
          [n.priority, 'integer'],
          [n.idempotencyKey, 'text'],
          [print, 'text'],
          jsonParam(n.metadata),
          nowParam(ctx),
        ],
        n.idempotencyKey,
      )
    },

    async debit(n, print) {
      return await callFn<DebitResult>(
        ctx,
        'debit',
        [
          [n.account, 'text'],
          [n.amount, 'bigint'],
          [n.reason, 'text'],
          [n.idempotencyKey, 'text'],
          [print, 'text'],
          jsonParam(n.metadata),
          nowParam(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async reserve(n, print) {
      return await callFn<ReserveResult>(
        ctx,
        'reserve',
        [
          [n.account, 'text'],
          [n.amount, 'bigint'],
          [n.ttlMs, 'bigint'],
          [n.reason, 'text'],
          [n.idempotencyKey, 'text'],
          [print, 'text'],
          jsonParam(n.metadata),
          nowParam(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async settle(n) {
      return await callFn<SettleResult>(
        ctx,
        'settle',
        [[n.holdId, 'text'], [n.amount, 'bigint'], jsonParam(n.metadata), nowParam(ctx)],
        n.holdId,
      )
    },

    async release(n) {
      return await callFn<ReleaseResult>(ctx, 'release', [[n.holdId, 'text'], nowParam(ctx)])
    },

    async revoke(n, print) {
      return await callFn<RevokeResult>(
        ctx,
        'revoke',
        [
          [n.account, 'text'],
          [n.grantId, 'text'],
          [n.grantIdempotencyKey, 'text'],
          [n.amount, 'bigint'],
          [n.reason, 'text'],
          [n.idempotencyKey, 'text'],
          [print, 'text'],
          jsonParam(n.metadata),
          nowParam(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },

    async balance(a) {
      return await callReadFn<Balance>(ctx, 'balance', [[a, 'text'], nowParam(ctx)])
    },

    async history(a, o) {
      const before = decodeEntryCursor(o.cursor)
      const page = await callReadFn<{ entries: Entry[]; more: boolean }>(ctx, 'history', [
        [a, 'text'],
        [before, 'bigint'],
        [o.limit, 'integer'],
        [o.types, 'text[]'],
        nowParam(ctx),
      ])
      const entries = page.entries.slice(0, o.limit)
      const last = entries[entries.length - 1]
      return { entries, nextCursor: page.more && last ? last.id : null } satisfies HistoryPage
    },

    async verify(a) {
      const v = await callReadFn<VerifyRow>(ctx, 'verify', [[a, 'text'], nowParam(ctx)])
      const problems = verifyProblems(v)
      return {
        ok: problems.length === 0,
        account: a,
        available: Number(v.exact.cached),
        held: Number(v.exact.held),
        liveRemainders: Number(v.exact.live),
        entriesSum: Number(v.exact.entries),
        openHolds: Number(v.exact.held),
        problems,
      } satisfies VerifyResult
    },
  }
}
