import type { AuthWiring } from './auth-edit.js'
import type { Detected } from './detect.js'
import type { Choices } from './plan.js'

/** Lines to add to the app's auth set-up by hand, when init did not insert them itself. */
function authSteps(choices: Choices, detected: Detected, lib: string, auth: AuthWiring): string[] {
  const stores = `${lib}metered-stores`
  if (auth === 'inserted' || auth === 'present') {
    return [
      `${detected.authModule ?? 'Your auth module'} uses ${lib}metered-auth: every sign-in keeps the profile and the login, and new users get SIGNUP_CREDITS once.`,
    ]
  }
  if (choices.auth === 'next-auth') {
    return [
      `Merge metered's sign-in bookkeeping (profile, logins, signup credits, session.user.id) into your authOptions (${detected.authModule ?? 'lib/auth.ts'}):`,
      "  import { mergeAuthOptions, meteredAuth } from '@metered/next'",
      `  import { metering, SIGNUP_CREDITS } from '${stores}'`,
      '  export const authOptions = mergeAuthOptions(yourAuthOptions, meteredAuth({ metered: metering, signupCredits: SIGNUP_CREDITS }))',
    ]
  }
  if (choices.auth === 'authjs') {
    return [
      `Merge metered's sign-in bookkeeping into NextAuth(...) (${detected.authModule ?? 'auth.ts'}):`,
      "  import { mergeAuthOptions } from '@metered/next'",
      `  import { meteredAuthConfig } from '${lib}metered-auth'`,
      '  export const { auth, handlers } = NextAuth(mergeAuthOptions(yourConfig, meteredAuthConfig))',
    ]
  }
  if (choices.auth === 'better-auth') {
    return [
      `Add metered's plugin (profile, logins, signup credits once) to betterAuth({ plugins }) (${detected.authModule ?? 'lib/auth.ts'}):`,
      `  import { meteredPlugin } from '${lib}metered-auth'`,
      '  plugins: [meteredPlugin]',
    ]
  }
  return [
    'No sign-in library found: lib/metered.ts answers 401 to everyone until you put your session lookup in `identify`.',
    '  To try it now: METERED_DEV_IDENTITY=1 npm run dev, then',
    "  curl -H 'x-metered-dev-user: alice' http://localhost:3000/api/credits/balance",
  ]
}

/** What the user does next, after the files are written. */
export function nextSteps(
  choices: Choices,
  detected: Detected,
  install: string | null,
  auth: AuthWiring = 'none',
): string[] {
  const lib = detected.alias !== null ? `${detected.alias}lib/` : './lib/'
  const steps: string[] = []
  if (install) steps.push(`Install what the generated code imports:\n  ${install}`)
  steps.push(authSteps(choices, detected, lib, auth).join('\n'))
  if (choices.db === 'postgres')
    steps.push('metered keeps its tables in the `metered` schema of DATABASE_URL; they are created at server start.')
  if (choices.db === 'pglite') {
    steps.push('The embedded database lives in .data/pglite: add `.data` to .gitignore.')
  }
  if (choices.db === 'memory') steps.push('Memory stores lose every balance on restart: for trying metered out only.')
  if (detected.nextMajor === 14 && choices.db !== 'memory') {
    steps.push(
      'Next.js 14 runs instrumentation.ts only with `experimental: { instrumentationHook: true }` in next.config.',
    )
  }
  if (choices.stripe && !detected.stripeKeys) {
    steps.push('No STRIPE_SECRET_KEY: checkout goes to the development page /checkout/dev (never in production).')
  }
  steps.push(
    `Meter a route: export const POST = metered.withCredits({ feature: 'generate', estimate }, handler) (import { metered } from '${lib}metered').`,
  )
  return steps
}
