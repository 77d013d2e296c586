// The app's one metered instance, on the memory stores so that `next build` needs no server.
import { createLimiter, createMemoryStores, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'

const stores = createMemoryStores()

export const metered = createMeteredNext({
  ...stores,
  limiter: createLimiter({
    store: stores.limiterStore,
    rules: { minute: slidingWindow({ limit: 20, window: '1 m' }) },
  }),
  unitsPerCredit: 1000,
  identify: (req) => {
    const id = req.headers.get('x-user')
    return id ? { id } : null
  },
})
