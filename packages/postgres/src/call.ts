import type { Clock } from '@metered/core'
import { type RawBuilder, sql } from 'kysely'
import type { AnyKysely } from './db.js'
import { toMeteredError } from './errors.js'

/** What every store of one `createPostgresStores` call shares. */
export interface Ctx {
  db: AnyKysely
  /** Quoted schema name. */
  s: string
  clock: Clock | undefined
}

export type PgType = 'text' | 'bigint' | 'integer' | 'jsonb' | 'boolean' | 'text[]'

/** A typed bind parameter: the cast keeps function resolution unambiguous on every driver. */
export const arg = (value: unknown, type: PgType): RawBuilder<unknown> => sql`${value}::${sql.raw(type)}`

/** The injected clock's time, or null for "the database's clock". */
export const nowArg = (ctx: Ctx): RawBuilder<unknown> => arg(ctx.clock ? ctx.clock.now() : null, 'bigint')

/** Metadata travels as JSON text; node-postgres would turn a bare JS array into a Postgres array. */
export const jsonArg = (value: unknown): RawBuilder<unknown> =>
  arg(value == null ? null : JSON.stringify(value), 'jsonb')

function parseJson<T>(value: unknown): T {
  // pg and PGlite parse jsonb; other drivers may hand back text.
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

/** Runs a query whose single row has a single jsonb column `r`: one round trip. */
export async function queryJson<T>(ctx: Ctx, query: RawBuilder<unknown>, conflictKey?: string): Promise<T> {
  try {
    const { rows } = await sql<{ r: unknown }>`SELECT (${query}) AS r`.execute(ctx.db)
    return parseJson<T>(rows[0]?.r)
  } catch (e) {
    throw toMeteredError(e, conflictKey)
  }
}

/** Calls one of metered's SQL functions (`SELECT schema.fn(args)`): one round trip. */
export function callFn<T>(ctx: Ctx, fn: string, args: RawBuilder<unknown>[], conflictKey?: string): Promise<T> {
  return queryJson<T>(ctx, sql`${sql.raw(ctx.s)}.${sql.raw(fn)}(${sql.join(args)})`, conflictKey)
}

/** Runs a statement and returns its rows of jsonb `r`. */
export async function queryRows<T>(ctx: Ctx, query: RawBuilder<unknown>): Promise<T[]> {
  try {
    const { rows } = await (query as RawBuilder<{ r: unknown }>).execute(ctx.db)
    return rows.map((row) => parseJson<T>(row.r))
  } catch (e) {
    throw toMeteredError(e)
  }
}
