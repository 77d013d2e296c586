import { randomBytes } from 'node:crypto'
import Stripe from 'stripe'

/** A real-looking signing secret, fresh per test run. */
export const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64url')}`

// Only the static helpers are used here; no request leaves this client.
const signer = new Stripe('sk_test_signer_only')

/** An event envelope as Stripe sends it. */
export function event(
  type: string,
  object: Record<string, unknown>,
  id = `evt_test_${randomBytes(12).toString('hex')}`,
) {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  }
}

/**
 * A webhook delivery: the JSON body signed the way Stripe signs it. `tamper` changes the body
 * after signing; `secret` and `timestamp` sign with another secret or at another time.
 */
export function delivery(
  payload: object | string,
  options: { secret?: string; timestamp?: number; tamper?: (body: string) => string; url?: string } = {},
): Request {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2)
  const header = signer.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  })
  return new Request(options.url ?? 'https://app.example/api/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': header },
    body: options.tamper ? options.tamper(body) : body,
  })
}
