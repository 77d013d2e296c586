/** Stripe refuses idempotency keys longer than 255 characters. */
const MAX = 255

/**
 * A Stripe idempotency key made of the given parts. Long parts (accounts may be 200 characters)
 * are folded into a SHA-256 digest so the key stays within Stripe's limit and stays stable.
 */
export async function stripeIdempotencyKey(prefix: string, ...parts: string[]): Promise<string> {
  const joined = [prefix, ...parts].join(':')
  if (joined.length <= MAX) return joined
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\u0000')))
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
  return `${prefix}:${hex}`
}
