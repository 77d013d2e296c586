import { mergeAuthOptions, meteredAuth } from '@metered/next'
import type { AuthOptions } from 'next-auth'
import { metering } from './metering'

export const authOptions: AuthOptions = mergeAuthOptions(
  { providers: [], session: { strategy: 'jwt' } },
  meteredAuth({ metered: metering, signupCredits: 100 }),
)
