import {
  IdempotencyConflictError,
  MAX_BALANCE,
  MeteredError,
  StoreUnavailableError,
  ValidationError,
} from '@metered/core'

/** SQLSTATE raised by the ledger functions when an idempotency key is reused with other parameters. */
const CONFLICT = 'MT409'

/** SQLSTATE raised by grant_credits when the account would pass MAX_BALANCE (available + held). */
const BALANCE_BOUND = 'MT422'

/**
 * SQLSTATEs for text PostgreSQL cannot take: NUL and invalid bytes (22021), what jsonb refuses
 * (22P05 `\u0000`, 22P02 a lone surrogate or bad JSON), bad escapes (22025, 22P06). Core's
 * validation refuses such input before any store sees it; if some ever gets through, it is
 * still the caller's bad input, never the store being down.
 */
const BAD_TEXT = new Set(['22021', '22P05', '22P02', '22025', '22P06'])

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Turns whatever the driver threw into a typed metered error. Messages are fixed text plus the
 * SQLSTATE: never the SQL or the driver's message, which may quote SQL or data, since these
 * errors can end up in HTTP responses. The original error stays available as `cause`.
 *
 * Input is validated before any SQL runs, so a driver error is rarely the caller's bad input:
 * it is a conflict we raise on purpose, the balance bound (only the store can check it, under
 * the account lock), text PostgreSQL cannot store (defence in depth behind validation), a
 * broken invariant (a CHECK constraint), or the store being unavailable (connection refused or
 * lost, server shutting down, too many connections, missing migrations, anything else).
 */
export function toMeteredError(e: unknown, conflictKey?: string): MeteredError {
  if (e instanceof MeteredError) return e
  const code = sqlState(e)
  if (code === CONFLICT) return new IdempotencyConflictError(conflictKey ?? '')
  if (code === BALANCE_BOUND) {
    return new ValidationError(
      [{ path: 'amount', message: `the account would hold more than MAX_BALANCE (${MAX_BALANCE}) units` }],
      'grant',
    )
  }
  if (code !== undefined && BAD_TEXT.has(code)) {
    return new ValidationError([
      { path: '', message: `text PostgreSQL cannot store (NUL or invalid Unicode) (SQLSTATE ${code})` },
    ])
  }
  if (code === '23514' || code === '23502' || code === 'MT500') {
    return new MeteredError(
      'invariant_violation',
      `Postgres store refused a write that breaks an invariant (SQLSTATE ${code})`,
      {
        cause: e,
      },
    )
  }
  if (code === '42P01' || code === '42883' || code === '3F000') {
    return new StoreUnavailableError(`Postgres store is not migrated: run migrate(db) (SQLSTATE ${code})`, { cause: e })
  }
  const detail = code ? ` (${/^[0-9A-Z]{5}$/.test(code) ? 'SQLSTATE' : 'error'} ${code})` : ''
  return new StoreUnavailableError(`Postgres store unavailable${detail}`, { cause: e })
}
