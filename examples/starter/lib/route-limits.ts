import type { WithRateLimitOptions } from '@metered/next'

/**
 * The checkout route's limit: the limiter's `minute` rule on a counter of its own
 * (`checkout:<user>`). Under the user's own key it would share the chat's counter: a user who
 * ran out of chat turns could not buy credits (429), and every purchase would use up a turn.
 * The Stripe webhook has no per-user limit at all (it is Stripe calling, not a user), and the
 * per-IP proxy leaves it out.
 */
export const checkoutRateLimit: WithRateLimitOptions = {
  limit: (_req, user) => `checkout:${user.id}`,
  limitRules: ['minute'],
  creditsHeader: false,
}
