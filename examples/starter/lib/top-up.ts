import 'server-only'
import { after } from 'next/server'
import { stripeCredits } from './stripe'

/**
 * Automatic top-up after a metered call: once the response is done, if the account's available
 * credits (what the call's hold or charge left) are below the threshold it chose, its saved card
 * is charged for its pack. Of many calls crossing at once, one claims the charge; the pack is
 * granted by the signed `payment_intent.succeeded` webhook, never here. A failure is logged and
 * never fails the call that triggered it.
 */
export function topUpAfterSpending(account: string): void {
  const topUp = stripeCredits?.autoTopUp
  if (!topUp) return
  after(async () => {
    try {
      const result = await topUp.check(account)
      if (result.outcome === 'paused') console.warn(`[top-up] paused for ${account}: ${result.reason}`)
    } catch (error) {
      console.error('[top-up] check failed:', error)
    }
  })
}
