// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
// #if auth=none
import { createMeteredNext, devIdentity } from '@metered/next'
// #endif
// #if auth=better-auth
import { betterAuthIdentify, createMeteredNext } from '@metered/next'
// #endif
// #if auth=next-auth
import { createMeteredNext, nextAuthV4 } from '@metered/next'
import { getServerSession } from 'next-auth'
import { authOptions } from '@/lib/auth'
// #endif
// #if auth=authjs
import { authjs, createMeteredNext } from '@metered/next'
import { auth } from '@/auth'
// #endif
// #if auth=better-auth
import { auth } from '@/lib/auth'
// #endif
import { headers } from 'next/headers'
// #if auth=none
import { metering, SIGNUP_CREDITS } from '@/lib/metered-stores'
// #endif
// #if auth=next-auth,authjs,better-auth
import { metering } from '@/lib/metered-stores'
// #endif

// #if auth=none
/**
 * Who is calling. No sign-in library was found, so until you put your own session lookup here
 * nobody is signed in and every metered route answers 401. For a local trial only,
 * METERED_DEV_IDENTITY=1 trusts an `x-metered-dev-user: <id>` header and grants SIGNUP_CREDITS
 * once per id; it is ignored when NODE_ENV is production (`next start`, a deployment).
 */
const identify = devIdentity({
  metered: metering,
  signupCredits: SIGNUP_CREDITS,
  onError: (error) => metered.onError(error),
})
// #endif
// #if auth=next-auth
// next-auth v4: the session must carry `user.id`; `meteredAuth` (merged into your authOptions) puts it there.
const identify = nextAuthV4(getServerSession, authOptions)
// #endif
// #if auth=authjs
// Auth.js v5: the session must carry `user.id`; meteredAuthConfig (lib/metered-auth.ts) puts it there.
const identify = authjs(auth)
// #endif
// #if auth=better-auth
// Better Auth's session for the request's cookies; meteredPlugin (lib/metered-auth.ts) keeps the profiles.
const identify = betterAuthIdentify(auth)
// #endif

// #if stripe=on
/**
 * The app's one metered instance: wrap route handlers with `metered.withCredits(...)`. A 402
 * sends the caller to `buyUrl`, the page that sells the packs of lib/metered-stripe.ts.
 */
export const metered = createMeteredNext({ metered: metering, identify, buyUrl: '/buy-credits' })
// #endif
// #if stripe=off
/** The app's one metered instance: wrap route handlers with `metered.withCredits(...)`. */
export const metered = createMeteredNext({ metered: metering, identify })
// #endif

/** The signed-in caller in a server component or server action (same lookup as the routes), or null. */
export async function currentIdentity() {
  return (await identify(new Request('http://localhost/', { headers: new Headers(await headers()) }))) ?? null
}
