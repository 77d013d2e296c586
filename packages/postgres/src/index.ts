export { createPostgresStores, type PostgresStores, type PostgresStoresOptions } from './create-postgres-stores.js'
export type { AnyKysely } from './db.js'
export { type MigrateOptions, type MigrateResult, migrate } from './migrate.js'
export { type PGliteDialectOptions, type PGliteLike, pgliteDialect } from './pglite-dialect.js'
