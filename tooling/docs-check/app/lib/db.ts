import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export const db = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }),
})
