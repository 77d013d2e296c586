import { createMeteredStore } from '@metered/next/react'

export const meteredStore = createMeteredStore()
