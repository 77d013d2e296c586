import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'

/**
 * The part of an `@electric-sql/pglite` instance the dialect uses (structural, so this package
 * never imports PGlite).
 */
export interface PGliteLike {
  /** Runs one statement with its parameters. */
  query<T>(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: 'object' },
  ): Promise<{ rows: T[]; affectedRows?: number }>
  readonly waitReady?: Promise<void>
  /** Closes the database (the dialect's `destroy`). */
  close?(): Promise<void>
  readonly closed?: boolean
}

/** Options of `pgliteDialect`. */
export interface PGliteDialectOptions {
  /**
   * The PGlite instance, or a function that opens it at the first query (so importing the module
   * that builds the kysely, e.g. during `next build`, opens nothing). Give metered its own
   * instance, or use it only through this kysely.
   */
  pglite: PGliteLike | (() => Promise<PGliteLike>)
}

/**
 * A kysely dialect for embedded PGlite that works with every kysely this package supports
 * (kysely 0.28, the newest npm installs on Node.js 20, has no `PGliteDialect` of its own).
 * PGlite is one connection: kysely calls, transactions included, take turns on it.
 *
 * ```ts
 * const db = new Kysely<unknown>({ dialect: pgliteDialect({ pglite: new PGlite('./.data/pglite') }) })
 * ```
 */
export function pgliteDialect(options: PGliteDialectOptions): Dialect {
  return {
    createAdapter: () => new PGliteAdapter(),
    createDriver: () => new PGliteDriver(options.pglite),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }
}

class PGliteAdapter extends PostgresAdapter {
  // one connection, held by kysely's Migrator for the whole migration: nothing to lock
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class PGliteDriver implements Driver {
  readonly #open: PGliteDialectOptions['pglite']
  #pglite: PGliteLike | undefined
  #connection: PGliteConnection | undefined
  // The turn of the caller holding the connection: a query or a whole transaction. Without it,
  // a query from elsewhere would run inside another caller's open transaction.
  #turn: Promise<void> = Promise.resolve()
  #endTurn: (() => void) | undefined

  constructor(pglite: PGliteDialectOptions['pglite']) {
    this.#open = pglite
  }

  async init(): Promise<void> {
    const pglite = typeof this.#open === 'function' ? await this.#open() : this.#open
    if (pglite.closed) throw new Error('the PGlite instance is closed')
    await pglite.waitReady
    this.#pglite = pglite
    this.#connection = new PGliteConnection(pglite)
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#turn
    let endTurn!: () => void
    this.#turn = new Promise((resolve) => {
      endTurn = resolve
    })
    await previous
    this.#endTurn = endTurn
    // kysely calls init() once, before the first acquire
    return this.#connection!
  }

  async releaseConnection(): Promise<void> {
    const endTurn = this.#endTurn
    this.#endTurn = undefined
    endTurn?.()
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter(Boolean)
    await connection.executeQuery(CompiledQuery.raw(`begin${modes.length > 0 ? ` ${modes.join(', ')}` : ''}`))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    if (this.#pglite && !this.#pglite.closed) await this.#pglite.close?.()
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGliteLike

  constructor(pglite: PGliteLike) {
    this.#pglite = pglite
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, affectedRows } = await this.#pglite.query<R>(query.sql, [...query.parameters], { rowMode: 'object' })
    return affectedRows == null ? { rows: rows ?? [] } : { rows: rows ?? [], numAffectedRows: BigInt(affectedRows) }
  }

  // biome-ignore lint/correctness/useYield: PGlite has no cursors; the method must exist
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results')
  }
}
