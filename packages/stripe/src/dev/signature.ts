/**
 * Stripe's webhook signature scheme (`Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed by the whole signing secret>`), in Web Crypto so it runs on Node and the edge.
 * Used by the development client only; production verification is the Stripe SDK's.
 */

async function hmacHex(secret: string, message: string): Promise<string> {
  const enc = new TextEncoder()
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(message))
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function signPayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${payload}`)}`
}

/** Thrown like the SDK's error: recognised by `type`, never by message. */
export class DevSignatureError extends Error {
  readonly type = 'StripeSignatureVerificationError'
  constructor(message: string) {
    super(message)
    this.name = 'StripeSignatureVerificationError'
  }
}

export async function verifyPayload(payload: string, header: string, secret: string, toleranceSeconds = 300) {
  const parts = header.split(',').map((p) => p.split('=') as [string, string | undefined])
  const timestamp = Number(parts.find(([k]) => k === 't')?.[1])
  const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '')
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0)
    throw new DevSignatureError('Malformed signature header')
  const expected = await hmacHex(secret, `${timestamp}.${payload}`)
  if (!signatures.some((s) => constantTimeEqual(s, expected))) throw new DevSignatureError('No matching signature')
  if (toleranceSeconds > 0 && Math.abs(Math.floor(Date.now() / 1000) - timestamp) > toleranceSeconds) {
    throw new DevSignatureError('Timestamp outside the tolerance zone')
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
