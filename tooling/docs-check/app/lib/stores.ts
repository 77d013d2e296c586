import { createMemoryStores } from '@metered/core'

export const stores = createMemoryStores()
export const { ledger, limiterStore, usage, users, authorizer } = stores
