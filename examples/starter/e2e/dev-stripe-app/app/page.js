import { stripeCredits } from '../lib/credits.js'

// Prerendered by `next build`: the pricing page reads the catalog at build time.
export default function Page() {
  return <p data-packs={stripeCredits.packs.length}>{stripeCredits.packs.map((p) => p.name).join(', ')}</p>
}
