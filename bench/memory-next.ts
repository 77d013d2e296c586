// The instance the wrapper benchmarks measure: the memory stores (so a figure is the wrapper's own
// cost, not a database's), a limiter no run reaches, and `after` tasks collected so a driver can
// await every call's settle inside its measurement.

import { createLimiter, createMemoryStores, fixed, slidingWindow } from '@metered/core'
import { createMeteredNext } from '@metered/next'

export const USERS = 100

/** `users` accounts `user-0` ... granted more credits than any run spends. */
export async function memoryMeteredNext(users = USERS) {
  const stores = createMemoryStores()
  const pending: Promise<unknown>[] = []
  const metered = createMeteredNext({
    ...stores,
    limiter: createLimiter({
      store: stores.limiterStore,
      rules: { minute: slidingWindow({ limit: 1_000_000_000, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: fixed(0.001) },
    identify: (req) => {
      const id = req.headers.get('x-user')
      return id ? { id } : null
    },
    after: (task) => {
      pending.push(task)
    },
  })
  for (let u = 0; u < users; u++) {
    await stores.ledger.grant({ account: `user-${u}`, amount: 1e12, source: 'bench', idempotencyKey: `g${u}` })
  }
  return { stores, metered, pending }
}
