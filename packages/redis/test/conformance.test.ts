import { authorizerSuite, ledgerSuite, limiterStoreSuite } from '@metered/core/testing'
import { createRedisStores } from '../src/index.js'
import { connect, FLAVOURS, uniquePrefix } from './helpers/clients.js'
import { rawReaders } from './helpers/raw-readers.js'

// docs/semantics.md, held to by core's conformance suites, over each client against a real redis-server.
for (const flavour of FLAVOURS) {
  limiterStoreSuite(`redis (${flavour})`, async ({ clock }) => {
    const c = await connect(flavour)
    const { limiterStore } = createRedisStores(c.client, { prefix: uniquePrefix('lim'), clock })
    return { store: limiterStore, close: c.close }
  })

  ledgerSuite(`redis (${flavour})`, async ({ clock }) => {
    const c = await connect(flavour)
    const prefix = uniquePrefix('ledger')
    const { ledger } = createRedisStores(c.client, { prefix, clock })
    return { ledger, raw: rawReaders(c.client, prefix), close: c.close }
  })
}

for (const flavour of FLAVOURS) {
  authorizerSuite(`redis (${flavour})`, async ({ clock }) => {
    const c = await connect(flavour)
    const stores = createRedisStores(c.client, { prefix: uniquePrefix('auth'), clock })
    return { ...stores, close: c.close }
  })
}
