import { createLimiter, fixed, fixedWindow, perToken, slidingWindow } from '@metered/core'
import { createMeteredNext, nextAuthV4 } from '@metered/next'
import { getServerSession } from 'next-auth'
import { authOptions } from './auth'
import { stores } from './stores'

export const limiter = createLimiter({
  store: stores.limiterStore,
  rules: { minute: slidingWindow({ limit: 20, window: '1 m' }), day: fixedWindow({ limit: 500, window: '1 d' }) },
})

export const metered = createMeteredNext({
  ...stores,
  limiter,
  unitsPerCredit: 1000,
  pricing: {
    generate: perToken({ markup: 1.3, creditValue: 0.001 }),
    chat: perToken({ markup: 1.3, creditValue: 0.001 }),
    image: fixed(50),
  },
  identify: nextAuthV4(getServerSession, authOptions),
  buyUrl: '/buy-credits',
})
export { stores }
