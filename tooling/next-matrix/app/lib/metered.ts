// The app's one metered instance, on the Postgres stores over lib/db.ts (PGlite here), as
// docs/getting-started.md sets it up. Nothing here migrates: instrumentation.ts must have run
// migrate(db) at server start, or every metered call answers 503.
import { createLimiter, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'
import { createPostgresStores } from '@metered/postgres'
import { db } from '@/lib/db'

const stores = createPostgresStores(db)

// Callers with credits for serve.mjs: `rich` (10) for the Server Actions, `reader` (10) for
// routes. Granted on the first request (the schema exists only once the server started), once
// per database: the idempotency key makes a second server start grant nothing.
let seeded: Promise<unknown> | undefined
const seed = () =>
  (seeded ??= Promise.all(
    ['rich', 'reader'].map((account) =>
      stores.ledger.grant({ account, amount: 10_000, source: 'seed', idempotencyKey: `seed:${account}` }),
    ),
  ))

export const metered = createMeteredNext({
  ...stores,
  limiter: createLimiter({
    store: stores.limiterStore,
    rules: { minute: slidingWindow({ limit: 20, window: '1 m' }) },
  }),
  unitsPerCredit: 1000,
  identify: async (req) => {
    // the headers first, as a session lookup reads its cookie first: on Next 14, `next build`
    // tries to prerender the GET routes and stops at that read, before any query
    const id = req.headers.get('x-user')
    await seed()
    return id ? { id } : null
  },
})
