import { describe, expect, it } from 'vitest'
import { createMemoryStores } from '../src/memory/create-memory-stores.js'
import { createMetered } from '../src/metering/create-metered.js'
import { validationProbe } from '../src/testing/validation-probe.js'

// The ticket records its usage event through the usage driver: fields validated at authorize
// are not checked again, and what the caller gives at settle is still refused when invalid.

async function setup() {
  const stores = createMemoryStores()
  const metered = createMetered({ ...stores })
  await stores.ledger.grant({ account: 'a', amount: 1_000, source: 's', idempotencyKey: 'g' })
  return { stores, metered }
}

const recorded = async (stores: ReturnType<typeof createMemoryStores>) =>
  (await stores.usage.list({ account: 'a', from: 0, to: Date.now() + 60_000 })).events

describe('the usage event of a ticket', () => {
  it('carries the authorize metadata, validated once for the whole call', async () => {
    const { stores, metered } = await setup()
    const probe = validationProbe()
    const auth = await metered.authorize({ account: 'a', feature: 'f', estimate: 5, metadata: probe.metadata })
    if (!auth.ok) throw new Error(auth.reason)
    await auth.ticket.settle({ units: 3, usage: { model: 'm', inputTokens: 7 } })
    expect(probe.validations()).toBe(1)
    expect(await recorded(stores)).toMatchObject([
      { account: 'a', feature: 'f', amount: 3, model: 'm', inputTokens: 7, metadata: { probe: 1 } },
    ])
  })

  it('refuses bad usage, status, user and metadata given by the caller, naming the field', async () => {
    // The user and the feature are the authorize's: refused there, before anything is held; the
    // rest is the settle's.
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['inputTokens', {}, { units: 1, usage: { inputTokens: -1 } }],
      ['model', {}, { units: 1, usage: { model: 'x\0' } }],
      ['quantity', {}, { units: 1, usage: { images: { count: 1.5 } } }],
      ['status', {}, { status: 'fine' }],
      ['metadata', {}, { metadata: { when: new Date(0) } }],
      ['userId', { userId: 'u\uD800' }, {}],
      ['feature', { feature: 'f'.repeat(101) }, {}],
    ]
    for (const [field, authorize, settle] of cases) {
      const { metered } = await setup()
      const error = await metered
        .authorize({ account: 'a', feature: 'f', estimate: 5, ...authorize })
        .then(async (auth) => {
          if (!auth.ok) throw new Error(auth.reason)
          await auth.ticket.settle(settle as never)
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        )
      expect(error, field).toMatchObject({ code: 'validation_error' })
      expect((error as { issues: Array<{ path: string }> }).issues[0]!.path.split('.')[0], field).toBe(field)
    }
  })
})
