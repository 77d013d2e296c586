// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
// #if auth=authjs
import { meteredAuth } from '@metered/next'
// #endif
// #if auth=better-auth
import { meteredBetterAuth } from '@metered/next'
// #endif
import { metering, SIGNUP_CREDITS } from '@/lib/metered-stores'

// #if auth=authjs
/**
 * metered's sign-in bookkeeping, spread into NextAuth({ ... }) in your auth module: every sign-in
 * upserts the profile and records the login, SIGNUP_CREDITS are granted once per user, and the
 * session carries `user.id` and `user.role`. Emails in METERED_ADMIN_EMAILS (comma-separated)
 * become admins.
 */
export const meteredAuthConfig = meteredAuth({
  metered: metering,
  signupCredits: SIGNUP_CREDITS,
  admins: process.env.METERED_ADMIN_EMAILS,
})
// #endif
// #if auth=better-auth
/**
 * metered's Better Auth plugin, in betterAuth({ plugins }) in your auth module: every new session
 * (sign-up, sign-in, OAuth callback) upserts the profile and records the login, and SIGNUP_CREDITS
 * are granted once per user. Emails in METERED_ADMIN_EMAILS (comma-separated) become admins.
 */
export const meteredPlugin = meteredBetterAuth({
  metered: metering,
  signupCredits: SIGNUP_CREDITS,
  admins: process.env.METERED_ADMIN_EMAILS,
})
// #endif
