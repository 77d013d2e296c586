import { mergeAuthOptions, meteredAuth, meteredBetterAuth } from '@metered/next'
import { betterAuth } from 'better-auth'
import type { AuthOptions } from 'next-auth'
import pg from 'pg'
import { metering } from './metering'

// The docs' lib/auth.ts in its two forms: next-auth v4 options, and a Better Auth instance.
export const authOptions: AuthOptions = mergeAuthOptions(
  { providers: [], session: { strategy: 'jwt' } },
  meteredAuth({ metered: metering, signupCredits: 100 }),
)

export const auth = betterAuth({
  database: new pg.Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
  plugins: [meteredBetterAuth({ metered: metering, signupCredits: 100 })],
})
