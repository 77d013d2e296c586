import type { Kysely } from 'kysely'

/**
 * Any kysely instance on a Postgres dialect (pg, Neon, @vercel/postgres, PGlite). metered runs
 * only its own SQL, so the app's table types do not matter: a `Kysely<YourDatabase>` fits.
 */
// biome-ignore lint/suspicious/noExplicitAny: the app's own table types are irrelevant to metered's SQL
export type AnyKysely = Kysely<any>
