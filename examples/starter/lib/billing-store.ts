import 'server-only'
import { createPostgresTopUpStore, type PostgresQueryable, type StripeCustomerStore } from '@metered/stripe'
import { CompiledQuery } from 'kysely'
import { database } from './db'

/** Raw SQL through the app's one database handle (Postgres or PGlite). */
const raw: PostgresQueryable = {
  query: async (text, values = []) => ({
    rows: [...(await database().executeQuery(CompiledQuery.raw(text, values))).rows],
  }),
}

const TOP_UP_TABLE = 'starter_auto_top_up'

// The billing tables are created once per process, before their first query (like metered's own
// migrate()); a failed attempt is retried by the next query.
let migrated: Promise<void> | null = null
function ready(): Promise<void> {
  migrated ??= (async () => {
    await raw.query(
      'CREATE TABLE IF NOT EXISTS starter_stripe_customers (account text PRIMARY KEY, customer_id text NOT NULL)',
    )
    await createPostgresTopUpStore(raw, { table: TOP_UP_TABLE }).migrate()
  })().catch((error) => {
    migrated = null
    throw error
  })
  return migrated
}

const db: PostgresQueryable = {
  query: async (text, values) => {
    await ready()
    return raw.query(text, values)
  },
}

/**
 * One Stripe customer per account, so every purchase lands on it and the card saved at the first
 * checkout can be charged by automatic top-up and managed in the customer portal.
 */
export const customers: StripeCustomerStore = {
  async get(account) {
    const { rows } = await db.query('SELECT customer_id FROM starter_stripe_customers WHERE account = $1', [account])
    return (rows[0]?.customer_id as string | undefined) ?? null
  },
  async set(account, customerId) {
    // The first customer stays: a second checkout racing the first must not orphan the saved card.
    await db.query(
      'INSERT INTO starter_stripe_customers (account, customer_id) VALUES ($1, $2) ON CONFLICT (account) DO NOTHING',
      [account, customerId],
    )
  },
}

/** Per-account automatic top-up settings and claims (one conditional UPDATE per claim). */
export const topUps = createPostgresTopUpStore(db, { table: TOP_UP_TABLE })
