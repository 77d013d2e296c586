import { IdempotencyConflictError, MeteredError, StoreUnavailableError } from '@metered/core'

/** SQLSTATE raised by the ledger functions when an idempotency key is reused with other parameters. */
const CONFLICT = 'MT409'

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * Turns whatever the driver threw into a typed metered error. Messages are fixed text plus the
 * SQLSTATE: never the SQL or the driver's message, which may quote SQL or data, since these
 * errors can end up in HTTP responses. The original error stays available as `cause`.
 *
 * Input is validated before any SQL runs, so a driver error is never the caller's bad input:
 * it is either a conflict we raise on purpose, a broken invariant (a CHECK constraint), or the
 * store being unavailable (connection refused or lost, server shutting down, too many
 * connections, missing migrations, anything else).
 */
export function toMeteredError(e: unknown, conflictKey?: string): MeteredError {
  if (e instanceof MeteredError) return e
  const code = sqlState(e)
  if (code === CONFLICT) return new IdempotencyConflictError(conflictKey ?? '')
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
