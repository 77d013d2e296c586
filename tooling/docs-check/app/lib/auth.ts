import { mergeAuthOptions, meteredAuth } from '@metered/next'
import type { AuthOptions } from 'next-auth'
import { stores } from './stores'

export const authOptions: AuthOptions = mergeAuthOptions(
  { providers: [], session: { strategy: 'jwt' } },
  meteredAuth({ users: stores.users, ledger: stores.ledger, signupCredits: 100, unitsPerCredit: 1000 }),
)
