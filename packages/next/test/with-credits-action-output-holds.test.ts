import { createMemoryStores, type MeteredUsage, slidingWindow } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WARM_UP } from '../src/server/output-allowance.js'
import { noParams, post, type StoreSet, setup } from './server-helpers.js'

/**
 * `withCreditsAction` holds a usage estimate as `withCredits` does (docs/semantics.md, "Holds of
 * AI calls"): the learned output allowance, admission on hold + balance, and `fit`. Run over the
 * memory stores and over Postgres (ledger, usage, limiter and the one-step authorizer).
 *
 * gpt-4.1-nano x 1.3, 1000 units a credit: 100 input tokens are 13 units, each output token 0.52.
 */
const MODEL = 'gpt-4.1-nano'
const CAP = 1000
const estimate: MeteredUsage = { model: MODEL, inputTokens: 100, outputTokens: CAP }
const units = (outputTokens: number) => Math.ceil(13 + 0.52 * outputTokens)
const WORST = units(CAP) // 533

type HoldOptions = { hold?: 'learned' | 'worst-case'; fit?: { minOutputTokens: number } }
/** What a handler saw of its call: the cap it was given and the hold, in units. */
type Seen = { maxOutputTokens: number | null; fitted: boolean; held: number; availableUnits: number }

function instance(stores: StoreSet) {
  // far above what a test spends: no rule refuses, whatever the wall clock
  const t = setup({ stores, rules: { minute: slidingWindow({ limit: 100_000, window: '1 m' }) } })
  let grants = 0
  return {
    metered: t.metered,
    errors: t.errors,
    flush: t.flush,
    /** `amount` in units. */
    async grant(account: string, amount: number) {
      await stores.ledger.grant({ account, amount, source: 'test', idempotencyKey: `g${grants++}:${account}` })
    },
    balance: (account: string) => stores.ledger.balance(account),
    async events(account: string) {
      return (await stores.usage.list({ account, from: 0, to: Date.now() + 60_000 })).events
    },
    verify: (account: string) => stores.ledger.verify(account),
  }
}
type Instance = ReturnType<typeof instance>

/**
 * An action whose honest upstream answers `output` tokens, never past the cap it was sent
 * (`ctx.maxOutputTokens`). `gate` keeps handlers waiting so calls overlap.
 */
function chatAction(t: Instance, options: HoldOptions = {}) {
  const seen: Seen[] = []
  let gate: Promise<void> | null = null
  let account = ''
  const action = t.metered.withCreditsAction(
    {
      feature: 'generate',
      estimate,
      ...options,
      request: () => new Request('http://localhost/', { headers: { 'x-user': account } }),
    },
    async (input, ctx) => {
      seen.push({
        maxOutputTokens: ctx.maxOutputTokens,
        fitted: ctx.fitted,
        held: ctx.ticket.amount,
        availableUnits: Math.round(ctx.available * 1000),
      })
      if (gate) await gate
      const { output } = input as { output: number }
      ctx.charge({
        usage: { model: MODEL, inputTokens: 100, outputTokens: Math.min(output, ctx.maxOutputTokens ?? CAP) },
      })
      return { answered: true }
    },
  )
  return {
    seen,
    hold(until: Promise<void> | null) {
      gate = until
    },
    turn(user: string, output: number) {
      account = user
      return action({ output })
    },
  }
}

/** The same call as a `withCredits` route, for parity. */
function chatRoute(t: Instance, options: HoldOptions = {}) {
  const seen: Seen[] = []
  const route = t.metered.withCredits(
    { feature: 'generate', body: 'json', estimate, ...options },
    async (_req, ctx) => {
      seen.push({
        maxOutputTokens: ctx.maxOutputTokens,
        fitted: ctx.fitted,
        held: ctx.ticket.amount,
        availableUnits: Math.round(ctx.available * 1000),
      })
      const { output } = ctx.body as { output: number }
      ctx.charge({
        usage: { model: MODEL, inputTokens: 100, outputTokens: Math.min(output, ctx.maxOutputTokens ?? CAP) },
      })
      return Response.json({ answered: true })
    },
  )
  return {
    seen,
    async turn(user: string, output: number) {
      const res = await route(post({ output }, { user }), noParams)
      await t.flush()
      return res
    },
  }
}

async function warmUp(t: Instance, turn: (user: string, output: number) => Promise<unknown>, output: number) {
  await t.grant('warm', 1_000_000)
  for (let i = 0; i < WARM_UP; i++) await turn('warm', output)
}

/** mulberry32: a small seeded generator, so a failing sequence can be replayed with FC_SEED. */
function seeded(seed: number) {
  let a = seed >>> 0
  return (below: number) => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4_294_967_296) * below)
  }
}
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_206

const storeSets: Array<{ name: string; make: () => Promise<{ stores: StoreSet; close: () => Promise<void> }> }> = [
  { name: 'memory', make: async () => ({ stores: createMemoryStores(), close: async () => {} }) },
  {
    name: 'postgres',
    make: async () => {
      const postgres = await freshPostgres({ prefix: 'next_action_holds', migrate })
      return { stores: createPostgresStores(postgres.db, { schema: postgres.schema }), close: () => postgres.close() }
    },
  },
]

describe.each(storeSets)('withCreditsAction holds of usage estimates ($name)', ({ make }) => {
  let stores: StoreSet
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ stores, close } = await make())
  }, 120_000)
  afterAll(async () => {
    await close?.()
  })
  // Each test uses its own accounts, so one store set serves them all.
  let n = 0
  const fresh = () => `${++n}-${Math.random().toString(36).slice(2, 8)}`

  it('a learned hold admits a second call on a balance whose worst-case holds refuse it, and the ledger stays whole', async () => {
    const results: Record<string, unknown[]> = {}
    for (const hold of ['learned', 'worst-case'] as const) {
      const t = instance(stores)
      const a = chatAction(t, { hold })
      await warmUp(t, a.turn, 100)
      const user = `u${fresh()}`
      // one worst case and one allowance: both calls fit only when the holds are the allowance
      await t.grant(user, WORST + units(100))
      let open!: () => void
      a.hold(new Promise<void>((resolve) => (open = resolve)))
      const first = a.turn(user, CAP)
      while (a.seen.length < WARM_UP + 1) await new Promise((resolve) => setTimeout(resolve, 5))
      const second = a.turn(user, 100)
      // the second call either runs (and waits at the gate) or is refused without running
      let secondDone = false
      void second.then(() => {
        secondDone = true
      })
      while (a.seen.length < WARM_UP + 2 && !secondDone) await new Promise((resolve) => setTimeout(resolve, 5))
      open()
      results[hold] = await Promise.all([first, second])
      const balance = await t.balance(user)
      expect(balance.held).toBe(0)
      expect(balance.available).toBeGreaterThanOrEqual(0)
      expect(await t.verify(user)).toMatchObject({ ok: true })
      if (hold === 'learned') {
        expect(a.seen.slice(WARM_UP).map((s) => s.held)).toEqual([units(100), units(100)])
        // the two answers cost WORST + units(100): exactly the balance, nothing left unpaid
        expect(balance.available).toBe(0)
        const events = await t.events(user)
        expect(events.map((e) => e.shortfall)).toEqual([0, 0])
        expect(events.reduce((sum, e) => sum + e.amount, 0)).toBe(WORST + units(100))
      } else {
        expect(balance.available).toBe(units(100))
      }
    }
    expect(results.learned).toEqual([
      { ok: true, data: { answered: true }, available: expect.any(Number) },
      { ok: true, data: { answered: true }, available: expect.any(Number) },
    ])
    expect(results['worst-case']).toEqual([
      { ok: true, data: { answered: true }, available: units(100) / 1000 },
      {
        ok: false,
        reason: 'insufficient_credits',
        available: units(100) / 1000,
        required: WORST / 1000,
        buyUrl: '/buy-credits',
      },
    ])
  })

  it('without fit, a balance that covers the hold but not the worst case is refused: the hold is given back and nothing is charged', async () => {
    const t = instance(stores)
    const a = chatAction(t)
    await warmUp(t, a.turn, 100)
    const user = `poor${fresh()}`
    await t.grant(user, 300)
    expect(await a.turn(user, 100)).toEqual({
      ok: false,
      reason: 'insufficient_credits',
      available: 0.3,
      required: WORST / 1000,
      buyUrl: '/buy-credits',
    })
    expect(a.seen).toHaveLength(WARM_UP) // the handler never ran
    expect(await t.balance(user)).toMatchObject({ available: 300, held: 0 })
    expect(await t.events(user)).toEqual([])
  })

  it('fit lowers the cap to what the balance affords above the floor, tells the handler and the client, and refuses below it', async () => {
    const t = instance(stores)
    const a = chatAction(t, { fit: { minOutputTokens: 100 } })
    const user = `fit${fresh()}`
    await t.grant(user, 200)
    // 200 units buy 100 input tokens and floor((200 - 13) / 0.52) = 359 output tokens
    expect(units(359)).toBeLessThanOrEqual(200)
    expect(units(360)).toBeGreaterThan(200)
    expect(await a.turn(user, CAP)).toEqual({
      ok: true,
      data: { answered: true },
      available: (200 - units(359)) / 1000,
      fittedOutputTokens: 359,
    })
    expect(a.seen.at(-1)).toMatchObject({ maxOutputTokens: 359, fitted: true, held: units(359) })
    expect(await t.balance(user)).toMatchObject({ available: 200 - units(359), held: 0 })

    const floor = chatAction(t, { fit: { minOutputTokens: 400 } })
    const short = `short${fresh()}`
    await t.grant(short, 200)
    expect(await floor.turn(short, CAP)).toEqual({
      ok: false,
      reason: 'insufficient_credits',
      available: 0.2,
      required: WORST / 1000,
      buyUrl: '/buy-credits',
    })
    expect(floor.seen).toEqual([])
    expect(await t.balance(short)).toMatchObject({ available: 200, held: 0 })

    // a balance that covers the worst case is not fitted, and the result has no fittedOutputTokens
    const rich = `rich${fresh()}`
    await t.grant(rich, 10_000)
    expect(await floor.turn(rich, 300)).toEqual({
      ok: true,
      data: { answered: true },
      available: (10_000 - units(300)) / 1000,
    })
    expect(floor.seen.at(-1)).toMatchObject({ maxOutputTokens: CAP, fitted: false, held: WORST })
  })

  it('fit after warm-up: the hold fits but the worst case does not, so the cap is what hold + balance afford', async () => {
    const t = instance(stores)
    const a = chatAction(t, { fit: { minOutputTokens: 100 } })
    await warmUp(t, a.turn, 100)
    const user = `warmfit${fresh()}`
    await t.grant(user, 300)
    // 300 units: floor((300 - 13) / 0.52) = 551 output tokens
    expect(await a.turn(user, CAP)).toEqual({
      ok: true,
      data: { answered: true },
      available: (300 - units(551)) / 1000,
      fittedOutputTokens: 551,
    })
    expect(a.seen.at(-1)).toMatchObject({ maxOutputTokens: 551, fitted: true, held: units(100) })
    expect((await t.events(user)).map((e) => [e.outputTokens, e.amount, e.shortfall])).toEqual([[551, units(551), 0]])
  })

  it(`seeded sequences (seed ${SEED}; FC_SEED=<n> replays one): a call's charge never exceeds its hold + the balance after it`, async () => {
    const random = seeded(SEED)
    const t = instance(stores)
    const actions = [
      chatAction(t),
      chatAction(t, { fit: { minOutputTokens: 50 } }),
      chatAction(t, { hold: 'worst-case', fit: { minOutputTokens: 200 } }),
    ]
    for (const a of actions) await warmUp(t, a.turn, 50 + random(300))
    const user = `seq${fresh()}`
    const outcomes = { refused: 0, fitted: 0, full: 0 }
    for (let i = 0; i < 30; i++) {
      const where = `seed ${SEED}, turn ${i}`
      const a = actions[random(actions.length)] as (typeof actions)[number]
      if (random(3) === 0) await t.grant(user, random(700))
      const before = await t.balance(user)
      const ran = a.seen.length
      const output = random(CAP + 1)
      const result = await a.turn(user, output)
      const after = await t.balance(user)
      expect(after.held, where).toBe(0)
      expect(after.available, where).toBeGreaterThanOrEqual(0)
      if (!result.ok) {
        expect(result.reason, where).toBe('insufficient_credits')
        expect(a.seen.length, where).toBe(ran)
        expect(after.available, where).toBe(before.available)
        outcomes.refused++
        continue
      }
      const seen = a.seen.at(-1) as Seen
      const charged = before.available - after.available
      expect(charged, where).toBe(units(Math.min(output, seen.maxOutputTokens ?? CAP)))
      expect(charged, where).toBeLessThanOrEqual(seen.held + seen.availableUnits)
      expect(result.fittedOutputTokens ?? null, where).toBe(seen.fitted ? seen.maxOutputTokens : null)
      outcomes[seen.fitted ? 'fitted' : 'full']++
    }
    console.log(`withCreditsAction output holds: seed ${SEED}`, outcomes)
    const events = await t.events(user)
    expect(events.every((e) => e.shortfall === 0)).toBe(true)
    expect(await t.verify(user)).toMatchObject({ ok: true })
  }, 60_000)

  it('parity with withCredits: the same inputs get the same hold, the same cap and the same refusal', async () => {
    const balances = [60, 100, 200, 300, 533, 600, 5_000]
    const options: HoldOptions[] = [
      {},
      { fit: { minOutputTokens: 100 } },
      { fit: { minOutputTokens: 400 } },
      { hold: 'worst-case' },
      { hold: 'worst-case', fit: { minOutputTokens: 100 } },
    ]
    for (const option of options) {
      const t = instance(stores)
      const a = chatAction(t, option)
      const r = chatRoute(t, option)
      await warmUp(t, a.turn, 100)
      await warmUp(t, r.turn, 100)
      for (const balance of balances) {
        const where = `${JSON.stringify(option)}, balance ${balance}`
        const [byAction, byRoute] = [`a${fresh()}`, `r${fresh()}`]
        await t.grant(byAction, balance)
        await t.grant(byRoute, balance)
        const [aRan, rRan] = [a.seen.length, r.seen.length]
        const result = await a.turn(byAction, CAP)
        const res = await r.turn(byRoute, CAP)
        expect(result.ok, where).toBe(res.status === 200)
        expect(a.seen.length - aRan, where).toBe(r.seen.length - rRan)
        if (result.ok) {
          expect(a.seen.at(-1), where).toEqual(r.seen.at(-1))
          const header = res.headers.get('fitted-output-tokens')
          expect(result.fittedOutputTokens ?? null, where).toBe(header === null ? null : Number(header))
        } else {
          const problem = await res.json()
          expect(res.status, where).toBe(402)
          expect(result, where).toMatchObject({
            reason: problem.code,
            available: problem.available,
            required: problem.required,
          })
        }
        expect((await t.balance(byAction)).available, where).toBe((await t.balance(byRoute)).available)
      }
    }
  }, 120_000)
})

describe('withCreditsAction fit option', () => {
  it('refuses a fit floor that is not a non-negative integer where the action is defined', () => {
    const t = instance(createMemoryStores())
    for (const minOutputTokens of [-1, 1.5, Number.NaN]) {
      expect(() =>
        t.metered.withCreditsAction({ feature: 'generate', estimate, fit: { minOutputTokens } }, async () => null),
      ).toThrow(/withCreditsAction\("generate"\): fit.minOutputTokens must be a non-negative integer/)
    }
  })
})
