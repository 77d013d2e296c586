import { ValidationError } from '@metered/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportUsage } from '../src/index.js'
import { FakeStripe } from './helpers/fake-stripe.js'

const fake = new FakeStripe()
beforeAll(() => fake.start())
afterAll(() => fake.stop())

describe('reportUsage', () => {
  it('sends a Billing meter event with the identifier as dedup id and request idempotency key', async () => {
    const at = Date.UTC(2026, 10, 1, 12)
    const result = await reportUsage(fake.client(), {
      eventName: 'ai_credits',
      customerId: 'cus_123',
      value: 390,
      identifier: 'usage-evt-1',
      timestamp: new Date(at),
    })
    expect(result).toEqual({ identifier: 'usage-evt-1' })
    const [req] = fake.requestsTo('POST', '/v1/billing/meter_events')
    expect(req?.body).toEqual({
      event_name: 'ai_credits',
      identifier: 'usage-evt-1',
      payload: { stripe_customer_id: 'cus_123', value: '390' },
      timestamp: String(at / 1000),
    })
    expect(req?.headers['idempotency-key']).toBe('metered:meter:usage-evt-1')
  })

  it('generates an identifier when none is given, and refuses bad input before calling Stripe', async () => {
    const { identifier } = await reportUsage(fake.client(), { eventName: 'ai_credits', customerId: 'cus_1', value: 1 })
    expect(identifier).toMatch(/^[0-9a-f-]{36}$/)
    const before = fake.requests.length
    await expect(
      reportUsage(fake.client(), { eventName: 'ai_credits', customerId: 'cus_1', value: 0.5 }),
    ).rejects.toBeInstanceOf(ValidationError)
    expect(fake.requests.length).toBe(before)
  })
})
