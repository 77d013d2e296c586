import {
  jsonResponse,
  type ProblemCode,
  problemResponse,
  type WebhookBody,
  type WebhookOutcome,
} from '@metered/core/http'
import { handleTopUpIntent } from './auto-top-up/top-up-webhook.js'
import { type ClawbackOutcome, handleChargeRefunded, handleDisputeCreated } from './clawback.js'
import type { StripeCreditsConfig } from './config.js'
import { fulfilSession } from './fulfil.js'
import {
  handleInvoicePaid,
  handleInvoicePaymentFailed,
  handleSubscriptionCheckout,
  handleSubscriptionDeleted,
  isPlanSession,
} from './plan-grant.js'
import { handleRefundUpdated } from './refund-failed.js'
import type { StripeEvent } from './stripe-client.js'
import { parseSession } from './stripe-objects.js'

/** What the webhook did with an event, answered as `{ received: true, outcome }` (HTTP 200). */
export type { WebhookOutcome }

/**
 * The webhook endpoint. Web `Request` in, `Response` out, so it runs in Node route handlers and on
 * the edge. Status codes tell Stripe what to do: 2xx done (including events it ignores), 400 never
 * accepted (bad signature: retrying cannot help, and nothing was written), 500 retry later (the
 * ledger or Stripe failed; every write is idempotent, so a retry finishes the job exactly once).
 */
export async function handleWebhook(config: StripeCreditsConfig, request: Request): Promise<Response> {
  const typeBase = config.problemTypeBase === undefined ? {} : { typeBase: config.problemTypeBase }
  const problem = (code: ProblemCode, detail: string) => problemResponse(code, { detail, ...typeBase })
  if (request.method !== 'POST') {
    return problemResponse('method_not_allowed', {
      detail: 'Stripe webhooks are POST requests.',
      extensions: { allow: ['POST'] },
      headers: { Allow: 'POST' },
      ...typeBase,
    })
  }
  const signature = request.headers.get('stripe-signature')
  if (!signature) return problem('missing_signature', 'The Stripe-Signature header is missing.')

  // The signature covers the exact bytes Stripe sent: read the raw text, never a re-serialised JSON.
  const body = await request.text()
  const event = await verify(config, body, signature)
  if (!event) {
    return problem('invalid_signature', 'The webhook signature could not be verified.')
  }

  try {
    return jsonResponse<WebhookBody>({ received: true, ...(await dispatch(config, event)) })
  } catch (err) {
    config.report.error(err, {
      message: 'webhook event failed; Stripe will retry it',
      eventId: event.id,
      eventType: event.type,
    })
    return problem('webhook_failed', 'The event could not be processed; it is safe to retry.')
  }
}

/** The verified event, or null. Each secret is tried in turn (two are live while one is rolled). */
async function verify(config: StripeCreditsConfig, body: string, signature: string): Promise<StripeEvent | null> {
  for (const secret of config.webhookSecrets) {
    try {
      return await config.stripe.webhooks.constructEventAsync(body, signature, secret, config.toleranceSeconds)
    } catch {
      // Wrong secret, tampered body, stale timestamp or not JSON: all the same to the caller.
    }
  }
  return null
}

type Answer = { outcome: WebhookOutcome; revoked?: number; pending?: number; restored?: number }

async function dispatch(config: StripeCreditsConfig, event: StripeEvent): Promise<Answer> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = parseSession(event.data.object)
      if (isPlanSession(session)) return { outcome: await handleSubscriptionCheckout(config, session) }
      return { outcome: (await fulfilSession(config, session)).outcome }
    }
    case 'invoice.paid':
      return { outcome: await handleInvoicePaid(config, event.data.object) }
    case 'invoice.payment_failed':
      return { outcome: await handleInvoicePaymentFailed(config, event.data.object) }
    case 'customer.subscription.deleted':
      return { outcome: await handleSubscriptionDeleted(config, event.data.object) }
    case 'charge.refunded':
      return clawbackAnswer(await handleChargeRefunded(config, event.data.object))
    case 'charge.dispute.created':
      return clawbackAnswer(await handleDisputeCreated(config, event.data.object))
    case 'charge.refund.updated':
    case 'refund.updated':
    case 'refund.failed':
      return await handleRefundUpdated(config, event.data.object)
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
      return { outcome: await handleTopUpIntent(config, event.type, event.data.object) }
    default:
      return { outcome: 'ignored' }
  }
}

function clawbackAnswer(result: ClawbackOutcome): Answer {
  if (result.outcome !== 'revoked') return { outcome: result.outcome }
  return { outcome: 'revoked', revoked: result.revoked, pending: result.pending }
}
