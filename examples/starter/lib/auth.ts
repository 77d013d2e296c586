import 'server-only'
import { mergeAuthOptions, meteredAuth } from '@metered/next'
import type { AuthOptions } from 'next-auth'
import GoogleProvider from 'next-auth/providers/google'
import { authSecret, devCredentialsProvider } from './dev-auth'
import { appUrl, DEV_ADMIN, devSignInEnabled, googleConfigured, isProduction } from './env'
import { metering } from './metering'
import { SIGNUP_CREDITS } from './pricing'

// next-auth v4 wants its own origin; in development it is this app's.
if (!isProduction && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = appUrl

const providers: AuthOptions['providers'] = []
if (googleConfigured) {
  providers.push(
    GoogleProvider({
      clientId: process.env.GOOGLE_CLIENT_ID ?? '',
      clientSecret: process.env.GOOGLE_CLIENT_SECRET ?? '',
    }),
  )
}
if (devSignInEnabled) providers.push(devCredentialsProvider())

/** The app's own next-auth options, as the starter has them (see README: database sessions with Prisma). */
const baseAuthOptions: AuthOptions = {
  providers,
  // next-auth v4's credentials provider only works with JWT sessions.
  session: { strategy: 'jwt' },
  pages: { signIn: '/signin' },
}
const secret = authSecret()
if (secret) baseAuthOptions.secret = secret

/** False in production without AUTH_SECRET/NEXTAUTH_SECRET: nobody can sign in (next-auth refuses). */
export const authConfigured = Boolean(secret)

/** Comma-separated `METERED_ADMIN_EMAILS`, plus the dev admin when the development sign-in is on. */
const admins = [
  ...(process.env.METERED_ADMIN_EMAILS ?? '').split(','),
  ...(devSignInEnabled ? [DEV_ADMIN.email] : []),
].filter((e) => e.trim() !== '')

/**
 * metered's events and callbacks merged in: every sign-in upserts the profile, records the login
 * (provider, IP, user agent) and grants the signup credits once; `session.user` gets `id` and `role`.
 */
export const authOptions: AuthOptions = mergeAuthOptions(
  baseAuthOptions,
  meteredAuth({ metered: metering, signupCredits: SIGNUP_CREDITS, admins }),
)
