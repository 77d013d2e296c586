// What this deployment has configured, read once. Every development stand-in (sign-in, checkout)
// is switched off in production builds, whatever else is set: `NODE_ENV` is inlined at build time.
export const isProduction = process.env.NODE_ENV === 'production'

function trimmed(name: string): string | undefined {
  const value = process.env[name]?.trim()
  return value ? value : undefined
}

/** The app's public origin: redirects from Checkout come back here. */
export const appUrl = (
  trimmed('APP_URL') ??
  trimmed('NEXTAUTH_URL') ??
  (trimmed('VERCEL_PROJECT_PRODUCTION_URL') ? `https://${trimmed('VERCEL_PROJECT_PRODUCTION_URL')}` : undefined) ??
  `http://localhost:${trimmed('PORT') ?? '3000'}`
).replace(/\/$/, '')

export const googleConfigured = Boolean(trimmed('GOOGLE_CLIENT_ID') && trimmed('GOOGLE_CLIENT_SECRET'))
/** The development sign-in (pick a dev user or type an email): never in production. */
export const devSignInEnabled = !googleConfigured && !isProduction

export const stripeConfigured = Boolean(trimmed('STRIPE_SECRET_KEY') && trimmed('STRIPE_WEBHOOK_SECRET'))
/** The Starter plan's recurring Stripe price (`price_...`); with Stripe keys and without it, no plan is sold. */
export const starterPlanPrice = trimmed('STRIPE_PRICE_STARTER')
/** The development checkout (in-memory Stripe, signed webhooks): never in production. */
export const devCheckoutEnabled = !stripeConfigured && !isProduction

/** Without an OpenAI key the chat and image routes use a clearly labelled demo model. */
export const openaiConfigured = Boolean(trimmed('OPENAI_API_KEY'))

export const upstashConfigured = Boolean(trimmed('UPSTASH_REDIS_REST_URL') && trimmed('UPSTASH_REDIS_REST_TOKEN'))

/** The chat model; its price comes from @metered/core's OpenAI price table. */
export const CHAT_MODEL = trimmed('OPENAI_MODEL') ?? 'gpt-4.1-nano'
export const IMAGE_MODEL = 'gpt-image-1'

export const DEV_USER = { email: 'dev.user@example.dev', name: 'Dev User' }
export const DEV_ADMIN = { email: 'dev.admin@example.dev', name: 'Dev Admin' }
