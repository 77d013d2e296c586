type Env = Record<string, string | undefined> | undefined

/** `next build` sets this while it evaluates route and page modules to collect their config. */
export const NEXT_BUILD_PHASE = 'phase-production-build'

export const DEV_STRIPE_REFUSED =
  'createDevStripe is for development: this is a production server (NODE_ENV=production). ' +
  'Set real Stripe keys (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) and pass `new Stripe(...)` instead.'

/** The process environment, where there is one (Node, Next's edge runtime); undefined elsewhere. */
export function processEnv(): Env {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
}

/**
 * What the development Stripe may do in this process:
 * - `serve`: development or tests, or `allowInProduction`;
 * - `inert`: a production build collecting page data: creating it must not fail the build, and
 *   nothing is served from a build anyway;
 * - `refuse`: a production server: every call throws `DEV_STRIPE_REFUSED`, so a deployment that
 *   forgot its keys cannot sell credits through a Stripe that never charges.
 */
export function devStripeMode(env: Env, allowInProduction: boolean): 'serve' | 'inert' | 'refuse' {
  if (allowInProduction || env?.NODE_ENV !== 'production') return 'serve'
  return env.NEXT_PHASE === NEXT_BUILD_PHASE ? 'inert' : 'refuse'
}
