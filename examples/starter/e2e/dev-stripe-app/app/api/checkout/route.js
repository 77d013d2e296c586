import { stripeCredits } from '../../../lib/credits.js'

export const dynamic = 'force-dynamic'

export async function POST() {
  const { url } = await stripeCredits.checkout({ account: 'u1', packId: 'pack-1' })
  return Response.json({ url })
}
