import { createMemoryStores } from '../src/index.js'
import { authorizerSuite } from '../src/testing/index.js'

authorizerSuite('memory', ({ clock }) => {
  const { ledger, limiterStore, authorizer } = createMemoryStores({ clock })
  return { ledger, limiterStore, authorizer }
})
