import { notFound } from '@metered/next'
import { metered } from '@/lib/metered'
import { stripeCredits } from '@/lib/stripe'

export const runtime = 'nodejs'

const unavailable = async () => notFound('Payments are not configured.')

/** GET / POST `{ enabled, threshold, packId }`: the signed-in account's automatic top-up settings. */
export const { GET, POST } = stripeCredits?.autoTopUp
  ? metered.autoTopUpRoutes(stripeCredits.autoTopUp)
  : { GET: unavailable, POST: unavailable }
