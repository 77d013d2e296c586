import type { Clock } from '@metered/core'
import { CompiledQuery, type RawBuilder, sql } from 'kysely'
import type { AnyKysely } from './db.js'
import { toMeteredError } from './errors.js'

/** What every store of one `createPostgresStores` call shares. */
export interface Ctx {
  db: AnyKysely
  /** Quoted schema name. */
  s: string
  clock: Clock | undefined
  /** SQL text of each function call, built once: compiling a template costs more than the rest of a call. */
  calls: Map<string, string>
}

export type PgType = 'text' | 'bigint' | 'integer' | 'jsonb' | 'boolean' | 'text[]'

/** A typed bind parameter: the cast keeps function resolution unambiguous on every driver. */
export type Param = readonly [value: unknown, type: PgType]

/** The injected clock's time, or null for "the database's clock". */
export const nowParam = (ctx: Ctx): Param => [ctx.clock ? ctx.clock.now() : null, 'bigint']

/** Metadata travels as JSON text; node-postgres would turn a bare JS array into a Postgres array. */
export const jsonParam = (value: unknown): Param => [value == null ? null : JSON.stringify(value), 'jsonb']

/** A typed bind parameter for templates (see `Param`). */
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

/**
 * Calls one of metered's SQL functions, `SELECT schema.fn($1::type, ...)`: one round trip, with
 * the SQL text built once per function and the values bound as parameters.
 */
export async function callFn<T>(ctx: Ctx, fn: string, params: readonly Param[], conflictKey?: string): Promise<T> {
  const id = `${fn}(${params.map((p) => p[1]).join(',')})`
  let text = ctx.calls.get(id)
  if (text === undefined) {
    text = `SELECT ${ctx.s}.${fn}(${params.map((p, i) => `$${i + 1}::${p[1]}`).join(', ')}) AS r`
    ctx.calls.set(id, text)
  }
  try {
    const { rows } = await ctx.db.executeQuery<{ r: unknown }>(
      CompiledQuery.raw(
        text,
        params.map((p) => p[0]),
      ),
    )
    return parseJson<T>(rows[0]?.r)
  } catch (e) {
    throw toMeteredError(e, conflictKey)
  }
}

/** A connection that died under the call (killed backend, server restart, network drop). */
function connectionLost(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause
  const code = typeof cause?.code === 'string' ? cause.code : ''
  return (
    /^(08|57P0)/.test(code) || /Connection terminated|ECONNRESET|connection (is )?closed/i.test(String(cause?.message))
  )
}

/**
 * `callFn` for reads (balance, history, verify), retried once when the pooled connection turns out
 * to be dead: a pool can hand out a connection whose backend was just killed, and a read (whose
 * only writes are idempotent housekeeping) is safe to run again. Money operations are never
 * retried here: their caller retries with an idempotency key.
 */
export async function callReadFn<T>(ctx: Ctx, fn: string, params: readonly Param[]): Promise<T> {
  try {
    return await callFn<T>(ctx, fn, params)
  } catch (error) {
    if (!connectionLost(error)) throw error
    return callFn<T>(ctx, fn, params)
  }
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
