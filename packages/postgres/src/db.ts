import type { Kysely } from 'kysely'

/**
 * Any kysely instance on a Postgres dialect (pg, Neon, @vercel/postgres, PGlite): a
 * `Kysely<YourDatabase>` fits, since metered runs only its own SQL and the app's table types do
 * not matter. Typed by the three methods used rather than the class, so a structurally
 * compatible instance works too.
 */
// biome-ignore lint/suspicious/noExplicitAny: the app's own table types are irrelevant to metered's SQL
export type AnyKysely = Pick<Kysely<any>, 'executeQuery' | 'getExecutor' | 'transaction'>
