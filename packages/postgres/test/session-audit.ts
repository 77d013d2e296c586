import type pg from 'pg'

/**
 * What a connection carries from one transaction to the next. Behind a transaction-mode pooler
 * (PgBouncer, Neon's and Supabase's pooled URLs) the next transaction of the same client may run
 * on another server connection, and the next client on this one, so each of these is a bug there.
 */
export interface SessionState {
  /** Named prepared statements, protocol-level or `PREPARE` (the unnamed statement is not listed). */
  prepared: string[]
  /** Settings changed by `SET` / `set_config(..., false)` outside a transaction. */
  settings: string[]
  /** Session-level advisory locks still held (transaction-level ones end with their transaction). */
  advisoryLocks: number
  /** Temporary tables of this session. */
  tempTables: number
  /** Channels this session LISTENs on. */
  listening: string[]
  /** Open cursors (`WITH HOLD` ones outlive their transaction). */
  cursors: number
}

export const SESSION_STATE_SQL = `SELECT
  (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM pg_prepared_statements) AS prepared,
  (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM pg_settings WHERE source = 'session') AS settings,
  (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS "advisoryLocks",
  (SELECT count(*)::int FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS "tempTables",
  (SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM pg_listening_channels() c) AS listening,
  (SELECT count(*)::int FROM pg_cursors) AS cursors`

export const NO_SESSION_STATE: SessionState = {
  prepared: [],
  settings: [],
  advisoryLocks: 0,
  tempTables: 0,
  listening: [],
  cursors: 0,
}

/**
 * The session state of every connection the pool holds, read on that connection. Checks out all
 * of them at once (`totalCount`, all idle once the caller's work is done), so each is seen once.
 */
export async function auditSessions(pool: pg.Pool): Promise<SessionState[]> {
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()))
  try {
    return await Promise.all(clients.map(async (c) => (await c.query<SessionState>(SESSION_STATE_SQL)).rows[0]!))
  } finally {
    for (const c of clients) c.release()
  }
}

export function assertNoSessionState(states: SessionState[]): void {
  // an audit of no connection would pass whatever the code did
  if (states.length === 0) throw new Error('the session audit found no connection to check')
  const dirty = states.filter((s) => JSON.stringify(s) !== JSON.stringify(NO_SESSION_STATE))
  if (dirty.length > 0) {
    throw new Error(
      `${dirty.length} of ${states.length} connections keep session state, which breaks behind a ` +
        `transaction-mode pooler: ${JSON.stringify(dirty)}`,
    )
  }
}
