import type { AutoTopUpRecord, AutoTopUpStore } from './store.js'

/** What the Postgres store needs from a client: `pg`'s `Pool` (or `Client`) fits as it is. */
export interface PostgresQueryable {
  /** Runs one parameterised statement. */
  // biome-ignore lint/suspicious/noExplicitAny: rows come back untyped from any driver
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>
}

/** Options of `createPostgresTopUpStore`. */
export interface PostgresTopUpStoreOptions {
  /**
   * The table, optionally schema-qualified. Letters, digits and `_` only.
   * @default 'metered_auto_top_up'
   */
  table?: string
}

export interface PostgresTopUpStore extends AutoTopUpStore {
  /** Creates the table if it does not exist; run it with your migrations or at start-up. */
  migrate(): Promise<void>
}

const COLUMNS = `enabled, threshold_units::text, pack_id, paused, period_start::text, period_count, seq,
  open_seq, opened_at::text, open_pack_id`

/**
 * Auto top-up state in a Postgres table. A claim is one conditional `UPDATE ... RETURNING`: Postgres
 * re-checks the `WHERE` of a waiting update against the row the winner wrote, so of concurrent
 * claims on one account exactly one returns a row.
 * @example
 * const topUps = createPostgresTopUpStore(pool)
 * await topUps.migrate()
 */
export function createPostgresTopUpStore(
  db: PostgresQueryable,
  options: PostgresTopUpStoreOptions = {},
): PostgresTopUpStore {
  const table = tableName(options.table ?? 'metered_auto_top_up')
  return {
    async migrate() {
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (
        account text PRIMARY KEY,
        enabled boolean NOT NULL,
        threshold_units bigint NOT NULL,
        pack_id text NOT NULL,
        paused text,
        period_start bigint NOT NULL DEFAULT 0,
        period_count integer NOT NULL DEFAULT 0,
        seq integer NOT NULL DEFAULT 0,
        open_seq integer,
        opened_at bigint,
        open_pack_id text
      )`)
    },
    async get(account) {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM ${table} WHERE account = $1`, [account])
      return rows[0] ? toRecord(rows[0]) : null
    },
    async configure(account, s) {
      const { rows } = await db.query(
        `INSERT INTO ${table} (account, enabled, threshold_units, pack_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account) DO UPDATE SET enabled = EXCLUDED.enabled,
           threshold_units = EXCLUDED.threshold_units, pack_id = EXCLUDED.pack_id,
           paused = CASE WHEN EXCLUDED.enabled THEN NULL ELSE ${table}.paused END
         RETURNING ${COLUMNS}`,
        [account, s.enabled, s.thresholdUnits, s.packId],
      )
      return toRecord(rows[0])
    },
    async claim(account, q) {
      // All SET expressions read the row as it was, so `seq + 1` is the new claim's number in both
      // `seq` and `open_seq`. The WHERE is `claimRule` of the memory store, in SQL.
      const { rows } = await db.query(
        `UPDATE ${table} SET
           seq = CASE WHEN open_seq IS NULL THEN seq + 1 ELSE seq END,
           period_count = CASE WHEN open_seq IS NULL
             THEN (CASE WHEN period_start = $3 THEN period_count ELSE 0 END) + 1 ELSE period_count END,
           period_start = CASE WHEN open_seq IS NULL THEN $3 ELSE period_start END,
           open_pack_id = CASE WHEN open_seq IS NULL THEN pack_id ELSE open_pack_id END,
           open_seq = CASE WHEN open_seq IS NULL THEN seq + 1 ELSE open_seq END,
           opened_at = $4
         WHERE account = $1 AND enabled AND paused IS NULL AND threshold_units > $2
           AND ((open_seq IS NULL AND (CASE WHEN period_start = $3 THEN period_count ELSE 0 END) < $5)
             OR (open_seq IS NOT NULL AND opened_at < $6))
         RETURNING open_seq, open_pack_id`,
        [account, q.available, q.periodStart, q.now, q.maxPerPeriod, q.staleBefore],
      )
      const row = rows[0]
      return row ? { seq: Number(row.open_seq), packId: row.open_pack_id as string } : null
    },
    async close(account, seq, pause) {
      const { rows } = await db.query(
        `UPDATE ${table} SET open_seq = NULL, opened_at = NULL, open_pack_id = NULL,
           paused = COALESCE($3, paused)
         WHERE account = $1 AND open_seq = $2 RETURNING 1`,
        [account, seq, pause],
      )
      return rows.length > 0
    },
  }
}

function tableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw new TypeError(`createPostgresTopUpStore: table "${name}" must be letters, digits and _ (schema.table)`)
  }
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.')
}

function toRecord(row: Record<string, unknown>): AutoTopUpRecord {
  const num = (v: unknown) => (v === null ? null : Number(v))
  return {
    enabled: row.enabled as boolean,
    thresholdUnits: Number(row.threshold_units),
    packId: row.pack_id as string,
    paused: (row.paused as AutoTopUpRecord['paused']) ?? null,
    periodStart: Number(row.period_start),
    periodCount: Number(row.period_count),
    seq: Number(row.seq),
    openSeq: num(row.open_seq),
    openedAt: num(row.opened_at),
    openPackId: (row.open_pack_id as string | null) ?? null,
  }
}
