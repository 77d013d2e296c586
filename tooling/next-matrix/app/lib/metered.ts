// The app's one metered instance, on the memory stores so that `next build` needs no server.
import { createLimiter, createMemoryStores, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'

const stores = createMemoryStores()

// Callers with credits for serve.mjs: `rich` (10) for the Server Actions, `reader` (10) for routes.
const seeded = Promise.all(
  ['rich', 'reader'].map((account) =>
    stores.ledger.grant({ account, amount: 10_000, source: 'seed', idempotencyKey: `seed:${account}` }),
  ),
)

export const metered = createMeteredNext({
  ...stores,
  limiter: createLimiter({
    store: stores.limiterStore,
    rules: { minute: slidingWindow({ limit: 20, window: '1 m' }) },
  }),
  unitsPerCredit: 1000,
  identify: async (req) => {
    await seeded
    const id = req.headers.get('x-user')
    return id ? { id } : null
  },
})
