import { toMs } from '../duration.js'
import { ValidationError } from '../errors.js'
import {
  accountSchema,
  debitInputSchema,
  grantInputSchema,
  historyOptionsSchema,
  parse,
  releaseInputSchema,
  reserveInputSchema,
  revokeInputSchema,
  settleInputSchema,
  toEpoch,
} from '../schemas.js'
import type {
  NormalizedDebit,
  NormalizedGrant,
  NormalizedHistory,
  NormalizedReserve,
  NormalizedRevoke,
  NormalizedSettle,
} from './normalized.js'
import type {
  DebitInput,
  GrantInput,
  HistoryOptions,
  ReleaseInput,
  ReserveInput,
  RevokeInput,
  SettleInput,
} from './types.js'

/**
 * The ledger inputs validated by the zod schemas and given their defaults: what `ledgerFrom`
 * runs once per call before its driver sees anything (see adapter/ledger-from.ts).
 */
export type {
  NormalizedDebit,
  NormalizedGrant,
  NormalizedHistory,
  NormalizedReserve,
  NormalizedRevoke,
  NormalizedSettle,
} from './normalized.js'

export function normalizeGrant(input: GrantInput): NormalizedGrant {
  const v = parse(grantInputSchema, input, 'grant')
  return {
    account: v.account,
    amount: v.amount,
    source: v.source,
    expiresAt: v.expiresAt == null ? null : toEpoch(v.expiresAt),
    priority: v.priority ?? 0,
    idempotencyKey: v.idempotencyKey,
    metadata: v.metadata ?? null,
  }
}

export function normalizeDebit(input: DebitInput): NormalizedDebit {
  const v = parse(debitInputSchema, input, 'debit')
  return {
    account: v.account,
    amount: v.amount,
    reason: v.reason,
    idempotencyKey: v.idempotencyKey ?? null,
    metadata: v.metadata ?? null,
  }
}

export function normalizeReserve(input: ReserveInput): NormalizedReserve {
  const v = parse(reserveInputSchema, input, 'reserve')
  return {
    account: v.account,
    amount: v.amount,
    ttlMs: toMs(v.ttl as never, 'ttl'),
    reason: v.reason ?? 'hold',
    idempotencyKey: v.idempotencyKey ?? null,
    metadata: v.metadata ?? null,
  }
}

export function normalizeSettle(input: SettleInput): NormalizedSettle {
  const v = parse(settleInputSchema, input, 'settle')
  return { holdId: v.holdId, amount: v.amount, metadata: v.metadata ?? null }
}

export function normalizeRelease(input: ReleaseInput): ReleaseInput {
  return parse(releaseInputSchema, input, 'release')
}

/** Validates an account id argument (`balance`, `history`, `verify`); issues name `account`. */
export function normalizeAccount(account: string): string {
  try {
    return parse(accountSchema, account, 'account')
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    throw new ValidationError(
      error.issues.map((issue) => ({ path: 'account', message: issue.message })),
      'account',
    )
  }
}

export function normalizeRevoke(input: RevokeInput): NormalizedRevoke {
  const v = parse(revokeInputSchema, input, 'revoke')
  return {
    account: v.account,
    grantId: v.grantId ?? null,
    grantIdempotencyKey: v.grantIdempotencyKey ?? null,
    amount: v.amount ?? null,
    reason: v.reason,
    idempotencyKey: v.idempotencyKey ?? null,
    metadata: v.metadata ?? null,
  }
}

export function normalizeHistory(options: HistoryOptions | undefined): NormalizedHistory {
  const v = parse(historyOptionsSchema, options ?? {}, 'history options')
  return { cursor: v.cursor ?? null, limit: v.limit ?? 50, types: v.types ?? null }
}

/**
 * What an idempotency key is bound to: the operation and the parameters that change its effect
 * (metadata is left out, so a retry carrying a fresh timestamp is still a replay). Stores keep
 * this string with the key and throw `IdempotencyConflictError` when a reuse differs.
 *
 * `op|` then a JSON array of the parameters: JSON quotes and escapes every string, so no two
 * different inputs share a fingerprint whatever characters they hold ('acct|5' with 1 is not
 * 'acct' with 5). Stores recognise a grant's record by the `grant|` prefix.
 */
export function fingerprint(
  op: 'grant' | 'debit' | 'reserve' | 'revoke',
  n: NormalizedGrant | NormalizedDebit | NormalizedReserve | NormalizedRevoke,
): string {
  switch (op) {
    case 'grant': {
      const g = n as NormalizedGrant
      return `grant|${JSON.stringify([g.account, g.amount, g.source, g.expiresAt, g.priority])}`
    }
    case 'debit': {
      const d = n as NormalizedDebit
      return `debit|${JSON.stringify([d.account, d.amount, d.reason])}`
    }
    case 'reserve': {
      const r = n as NormalizedReserve
      return `reserve|${JSON.stringify([r.account, r.amount, r.ttlMs, r.reason])}`
    }
    case 'revoke': {
      // The account is the key's scope, not a parameter: a key is never shared across accounts.
      const r = n as NormalizedRevoke
      return `revoke|${JSON.stringify([r.grantId, r.grantIdempotencyKey, r.amount, r.reason])}`
    }
  }
}
