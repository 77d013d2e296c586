import { combine, perImage, perToken, perToolCall } from '@metered/core'

/** 1 credit = $0.001; the ledger counts milli-credits so a 0.39-credit chat turn costs exactly that. */
export const UNITS_PER_CREDIT = 1000
export const CREDIT_VALUE_USD = 0.001
/** Usage is charged at provider cost x 1.3. */
export const MARKUP = 1.3
/** Granted once to every new user at their first sign-in. */
export const SIGNUP_CREDITS = 1000

export const pricing = {
  // Tokens at OpenAI's list prices, plus hosted web search ($0.01 a call x 1.3 = 13 credits).
  generate: combine(perToken({ markup: MARKUP, creditValue: CREDIT_VALUE_USD }), perToolCall({ web_search: 13 })),
  image: perImage({ markup: MARKUP, creditValue: CREDIT_VALUE_USD }),
}

/** The credit packs: price in cents, credits including the bonus. */
export const packs = [
  { id: 'pack-1', unitAmount: 100, credits: 1_000, bonus: 0 },
  { id: 'pack-5', unitAmount: 500, credits: 5_000, bonus: 50 },
  { id: 'pack-10', unitAmount: 1_000, credits: 10_000, bonus: 1_000 },
  { id: 'pack-20', unitAmount: 2_000, credits: 20_000, bonus: 3_000 },
  { id: 'pack-50', unitAmount: 5_000, credits: 50_000, bonus: 12_500 },
  { id: 'pack-100', unitAmount: 10_000, credits: 100_000, bonus: 40_000 },
].map((p) => ({ ...p, currency: 'usd', name: `${(p.credits + p.bonus).toLocaleString('en-US')} credits` }))

/**
 * The monthly plans: each paid month grants `credits`, spent before purchased packs and expiring at
 * the month's end. `price` is the plan's recurring Stripe Price (Dashboard -> Product catalog); the
 * development checkout knows it by its dev id.
 */
export const plans = [
  {
    id: 'starter',
    name: 'Starter',
    credits: 5_000,
    unitAmount: 900,
    currency: 'usd',
    interval: 'month' as const,
    description: '5,000 credits every month, on top of any pack you buy.',
  },
]
