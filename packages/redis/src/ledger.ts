import type {
  Balance,
  Clock,
  DebitResult,
  Entry,
  GrantResult,
  HistoryPage,
  Metadata,
  ReleaseResult,
  ReserveResult,
  RevokeResult,
  SettleResult,
  VerifyResult,
} from '@metered/core'
import { IdempotencyConflictError, type LedgerDriver, MAX_BALANCE, ValidationError } from '@metered/core/adapter'
import type { RedisScriptClient } from './client.js'
import { accountKeys, accountOfId, encodeTagPart, idempotencyKey } from './keys.js'
import { ledgerScripts } from './ledger-scripts.js'
import { runScript, type Script } from './script.js'

export interface RedisLedgerOptions {
  prefix: string
  clock?: Clock | undefined
  /** Entries kept per account for `history` (the oldest are trimmed; `verify` still adds up). */
  historyLimit: number
  /** Closed holds remembered per account (settle replays, `hold_closed` answers). */
  closedHoldsLimit: number
}

/**
 * What every ledger script replies: the outcome and, unless it is a conflict, the result.
 * `bound`: a grant refused because it would take available + held past MAX_BALANCE.
 */
interface Reply {
  s: 'ok' | 'replay' | 'conflict' | 'grant' | 'bound'
  r?: Record<string, unknown>
}

const HOLD_NOT_FOUND = { ok: false, reason: 'hold_not_found' } as const
const GRANT_NOT_FOUND = { ok: false, reason: 'grant_not_found' } as const

/** Metadata as the scripts store it; `ledgerFrom` only lets plain JSON through. */
function metadataJson(metadata: Metadata | null): string {
  return metadata === null ? '' : JSON.stringify(metadata)
}

function aboveMaxBalance(totals: { available: number; held: number }): ValidationError {
  const room = MAX_BALANCE - totals.available - totals.held
  return new ValidationError(
    [
      {
        path: 'amount',
        message: `would take the account past MAX_BALANCE (${MAX_BALANCE} units available + held); at most ${room} more fit`,
      },
    ],
    'grant',
  )
}

/** Revoke results stored before `pending` existed replay with `pending: 0` (nothing was tracked). */
function revokeResult(r: Record<string, unknown>): RevokeResult {
  if (r.ok === true && r.pending === undefined) r.pending = 0
  return r as unknown as RevokeResult
}

/** Replies are JSON text; `@upstash/redis` may already have parsed them (automatic deserialisation). */
function parseReply(raw: unknown): Reply {
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as Reply
}

/**
 * The credits ledger driver over Redis: docs/semantics.md in Lua, one script (one round trip)
 * per operation, all of an account's keys under one hash tag, its idempotency records included
 * (keys are scoped per account), so every call touches one cluster slot. Inputs arrive
 * validated, with their fingerprints (`ledgerFrom`).
 */
export function createRedisLedgerDriver(client: RedisScriptClient, options: RedisLedgerOptions): LedgerDriver {
  const { prefix, clock } = options

  async function call(script: Script, account: string, print: string | null, key: string | null, args: string[]) {
    const keys = accountKeys(prefix, account)
    keys.push(key === null ? (keys[0] as string) : idempotencyKey(prefix, account, key))
    const head = [
      clock ? String(clock.now()) : '',
      String(options.historyLimit),
      String(options.closedHoldsLimit),
      encodeTagPart(account),
      account,
      key === null ? '' : (print ?? ''),
    ]
    const reply = parseReply(await runScript(client, script, keys, [...head, ...args]))
    if (reply.s === 'conflict') throw new IdempotencyConflictError(key ?? '')
    if (reply.s === 'bound') throw aboveMaxBalance(reply.r as { available: number; held: number })
    const result = reply.r as Record<string, unknown>
    if (reply.s === 'replay') result.replayed = true
    return result
  }

  const driver: LedgerDriver = {
    async grant(n, print) {
      const args = [
        String(n.amount),
        n.source,
        n.expiresAt === null ? '' : String(n.expiresAt),
        String(n.priority),
        metadataJson(n.metadata),
      ]
      return (await call(ledgerScripts.grant, n.account, print, n.idempotencyKey, args)) as unknown as GrantResult
    },

    async debit(n, print) {
      const args = [String(n.amount), n.reason, metadataJson(n.metadata)]
      return (await call(ledgerScripts.debit, n.account, print, n.idempotencyKey, args)) as unknown as DebitResult
    },

    async reserve(n, print) {
      const args = [String(n.amount), String(n.ttlMs), n.reason, metadataJson(n.metadata)]
      return (await call(ledgerScripts.reserve, n.account, print, n.idempotencyKey, args)) as unknown as ReserveResult
    },

    async settle(n) {
      const account = accountOfId(n.holdId, 'h')
      if (account === null) return HOLD_NOT_FOUND
      try {
        const args = [n.holdId, String(n.amount), metadataJson(n.metadata)]
        return (await call(ledgerScripts.settle, account, '', null, args)) as unknown as SettleResult
      } catch (error) {
        // The hold id is the settle's idempotency key.
        if (error instanceof IdempotencyConflictError) throw new IdempotencyConflictError(n.holdId)
        throw error
      }
    },

    async release(n) {
      const account = accountOfId(n.holdId, 'h')
      if (account === null) return HOLD_NOT_FOUND
      return (await call(ledgerScripts.release, account, '', null, [n.holdId])) as unknown as ReleaseResult
    },

    async revoke(n, fingerprint) {
      const print = fingerprint ?? ''
      const own = n.idempotencyKey === null ? null : idempotencyKey(prefix, n.account, n.idempotencyKey)
      /** The revoke's own key answers first (replay or conflict); else the grant is not found. */
      const notFound = async (): Promise<RevokeResult> => {
        if (own === null) return GRANT_NOT_FOUND
        const reply = parseReply(await runScript(client, ledgerScripts.grantLookup, [own, own], [print]))
        if (reply.s === 'conflict') throw new IdempotencyConflictError(n.idempotencyKey ?? '')
        if (reply.s === 'replay') return revokeResult({ ...reply.r, replayed: true })
        return GRANT_NOT_FOUND
      }
      let grantId = n.grantId
      if (grantId === null) {
        // Revoke by the grant's key: look the grant up first (a second round trip; see docs/redis.md).
        // Both records are the account's, so both calls stay in its slot.
        const grantRecord = idempotencyKey(prefix, n.account, n.grantIdempotencyKey ?? '')
        const reply = parseReply(
          await runScript(
            client,
            ledgerScripts.grantLookup,
            [grantRecord, own ?? grantRecord],
            [own === null ? '' : print],
          ),
        )
        if (reply.s === 'conflict') throw new IdempotencyConflictError(n.idempotencyKey ?? '')
        if (reply.s === 'replay') return revokeResult({ ...reply.r, replayed: true })
        if (reply.s === 'ok') return GRANT_NOT_FOUND
        grantId = String(reply.r?.grantId)
      }
      // An id this ledger never issued, or a grant of another account, names no grant of this one.
      if (accountOfId(grantId, 'g') !== n.account) return await notFound()
      const args = [grantId, n.amount === null ? '' : String(n.amount), n.reason, metadataJson(n.metadata)]
      return revokeResult(await call(ledgerScripts.revoke, n.account, print, n.idempotencyKey, args))
    },

    async balance(a) {
      const r = await call(ledgerScripts.balance, a, '', null, [])
      return { account: a, ...(r as Omit<Balance, 'account'>) }
    },

    async history(a, n) {
      if (n.cursor !== null && !/^[1-9]\d{0,15}$/.test(n.cursor)) {
        throw new ValidationError(
          [{ path: 'cursor', message: 'is not a cursor returned by this ledger' }],
          'history options',
        )
      }
      const args = [n.cursor ?? '', String(n.limit), n.types?.join(',') ?? '']
      const r = (await call(ledgerScripts.history, a, '', null, args)) as {
        entries: Array<Omit<Entry, 'account'> & { seq: number }>
        nextCursor: string | null
      }
      const page: HistoryPage = {
        entries: r.entries.map((e) => ({
          id: e.id,
          account: a,
          type: e.type,
          amount: e.amount,
          grantId: e.grantId,
          holdId: e.holdId,
          reason: e.reason,
          metadata: e.metadata,
          createdAt: e.createdAt,
        })),
        nextCursor: r.nextCursor,
      }
      return page
    },

    async verify(a) {
      const r = (await call(ledgerScripts.verify, a, '', null, [])) as unknown as Omit<VerifyResult, 'ok' | 'account'>
      const problems = [...r.problems]
      if (r.available < 0) problems.push(`available ${r.available} is below zero`)
      if (r.available !== r.liveRemainders) {
        problems.push(`available ${r.available} != sum of live remainders ${r.liveRemainders}`)
      }
      if (r.held !== r.openHolds) problems.push(`held ${r.held} != sum of open holds ${r.openHolds}`)
      if (r.available + r.held > MAX_BALANCE) {
        problems.push(`available + held ${r.available + r.held} is above MAX_BALANCE ${MAX_BALANCE}`)
      }
      if (r.available + r.held !== r.entriesSum) {
        problems.push(`available + held ${r.available + r.held} != sum of entries ${r.entriesSum}`)
      }
      return { ok: problems.length === 0, account: a, ...r, problems }
    },
  }
  return driver
}
