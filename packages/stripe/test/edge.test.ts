// @vitest-environment edge-runtime
import { createMemoryLedger, createMetered } from '@metered/core'
import { describe, expect, it } from 'vitest'
// The SDK's worker build (what Next.js bundles for the edge runtime): Web Crypto, fetch, no Node APIs.
import Stripe from '../node_modules/stripe/esm/stripe.esm.worker.js'
import { createStripeCredits } from '../src/index.js'

const secret = 'whsec_edge_test_secret_0123456789abcdef'

describe('webhook on the edge runtime', () => {
  it('verifies with SubtleCrypto and grants once', async () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe('string')
    const stripe = new Stripe('sk_test_edge', { httpClient: Stripe.createFetchHttpClient() })
    const ledger = createMemoryLedger()
    const credits = createStripeCredits({
      stripe,
      metered: createMetered({ ledger, unitsPerCredit: 1000 }),
      packs: [{ id: 'pack-1', credits: 1_000, unitAmount: 100, currency: 'usd' }],
      webhookSecret: secret,
      successUrl: 'https://app.example/checkout/success?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://app.example/checkout/cancel',
    })
    const payload = JSON.stringify({
      id: 'evt_edge_1',
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_edge_1',
          object: 'checkout.session',
          status: 'complete',
          payment_status: 'paid',
          metadata: { metered_account: 'edge-user', metered_pack: 'pack-1' },
          amount_total: 100,
          currency: 'usd',
          created: Math.floor(Date.now() / 1000),
          payment_intent: 'pi_test_edge_1',
        },
      },
    })
    const request = async (body: string) =>
      new Request('https://app.example/api/webhooks/stripe', {
        method: 'POST',
        headers: { 'stripe-signature': await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret }) },
        body,
      })

    const responses = await Promise.all([
      credits.webhook(await request(payload)),
      credits.webhook(await request(payload)),
    ])
    expect(responses.map((r) => r.status)).toEqual([200, 200])
    expect((await ledger.balance('edge-user')).available).toBe(1_000_000)

    const tampered = await credits.webhook(await request(payload.replace('"paid"', '"paid" ')))
    expect(tampered.status).toBe(400)
    expect((await ledger.balance('edge-user')).available).toBe(1_000_000)
  })
})
