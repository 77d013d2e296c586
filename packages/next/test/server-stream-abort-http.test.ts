import { createMemoryStores, type Ledger, type UsageStore } from '@metered/core'
import { createPostgresStores, migrate } from '@metered/postgres'
import { createRedisStores, fromIoredis } from '@metered/redis'
import { redisUrl, uniqueName } from '@metered/tooling'
import { freshPostgres } from '@metered/tooling/postgres-fresh'
import { Redis as IoRedis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreditsContext } from '../src/server/types.js'
import { openRequest, serveRoute } from './http-route-server.js'
import { setup } from './server-helpers.js'

/**
 * Who pays when the client walks away from a streamed body, over real HTTP, cut at exact bytes.
 * The body is four chunks, the last one a single byte; each chunk (and the end of the stream)
 * waits for the test to let it go, so "after chunk k" is exact. An estimate-mode route that never
 * calls ctx.charge pays its estimate however the stream ends once output went out; one that
 * charges as it goes pays what it charged; nothing produced pays nothing.
 */
const CHUNKS = ['aaaa', 'bbbb', 'cccc', 'd']
const TOTAL = CHUNKS.join('').length
const ESTIMATE = 3 // credits
const GRANT = 10_000 // units (10 credits)

interface Gates {
  open(i: number): void
  wait(i: number): Promise<void>
  started: Promise<void>
  start(): void
}

function gates(): Gates {
  const opened = new Map<number, () => void>()
  const waits = new Map<number, Promise<void>>()
  const get = (i: number) => {
    if (!waits.has(i)) waits.set(i, new Promise<void>((resolve) => opened.set(i, resolve)))
    return waits.get(i) as Promise<void>
  }
  let start!: () => void
  const started = new Promise<void>((resolve) => {
    start = resolve
  })
  return {
    open: (i) => {
      get(i)
      opened.get(i)?.()
    },
    wait: get,
    started,
    start,
  }
}

type Charging = 'never' | 'per-chunk' | 'at-end'

/** The handler's body: chunk i after gate i, the end after gate CHUNKS.length. */
function body(g: Gates, ctx: CreditsContext, charging: Charging): ReadableStream<Uint8Array> {
  let i = 0
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await g.wait(i)
      if (i === CHUNKS.length) {
        if (charging === 'at-end') ctx.charge(1) // like the AI SDK's onFinish
        controller.close()
        return
      }
      if (charging === 'per-chunk') ctx.charge(0.5)
      controller.enqueue(encoder.encode(CHUNKS[i] as string))
      i++
    },
  })
}

/** Units charged when the client leaves after `k` chunks (null: before the response started). */
function expected(charging: Charging, k: number | 'end' | null): number {
  if (k === null) return 0
  if (charging === 'per-chunk') return 500 * (k === 'end' ? CHUNKS.length : k)
  if (charging === 'at-end' && k === 'end') return 1000
  return ESTIMATE * 1000
}

const setups: Array<{
  name: string
  make: () => Promise<{ ledger: Ledger; usage: UsageStore; close: () => Promise<void> }>
}> = [
  { name: 'memory', make: async () => ({ ...createMemoryStores(), close: async () => {} }) },
  {
    name: 'postgres',
    make: async () => {
      const postgres = await freshPostgres({ prefix: 'abort', migrate, pool: { max: 10 } })
      const stores = createPostgresStores(postgres.db, { schema: postgres.schema })
      return { ledger: stores.ledger, usage: stores.usage, close: () => postgres.close() }
    },
  },
  {
    name: 'redis',
    make: async () => {
      const redis = new IoRedis(redisUrl())
      const { ledger } = createRedisStores(fromIoredis(redis), { prefix: `${uniqueName('abort')}:` })
      return {
        ledger,
        usage: createMemoryStores().usage,
        close: async () => {
          redis.disconnect()
        },
      }
    },
  },
]

describe.each(setups)('a streamed body the client abandons, over HTTP ($name)', ({ make }) => {
  let stores: { ledger: Ledger; usage: UsageStore; close: () => Promise<void> }
  let server: { url: string; close: () => Promise<void> }
  let settledWith: ReturnType<typeof setup>['settled']
  const routes = new Map<string, { charging: Charging; gates: Gates }>()

  beforeAll(async () => {
    stores = await make()
    // the limiter and users stay in memory; the memory authorizer is left out (bound to the memory ledger)
    const { authorizer: _, ...memory } = createMemoryStores()
    const instance = setup({ stores: { ...memory, ledger: stores.ledger, usage: stores.usage }, onError: () => {} })
    const metered = instance.metered
    settledWith = instance.settled
    const handler = async (_req: Request, ctx: CreditsContext) => {
      const route = routes.get(ctx.account)
      if (!route) throw new Error('no route for this account')
      route.gates.start()
      return new Response(body(route.gates, ctx, route.charging), {
        headers: { 'content-type': 'text/event-stream' },
      })
    }
    const byPolicy = {
      'charge-produced': metered.withCredits({ feature: 'generate', estimate: ESTIMATE }, handler),
      'charge-hold': metered.withCredits({ feature: 'generate', estimate: ESTIMATE, onAbort: 'charge-hold' }, handler),
      release: metered.withCredits({ feature: 'generate', estimate: ESTIMATE, onAbort: 'release' }, handler),
    }
    server = await serveRoute((req) => {
      const policy = (new URL(req.url).searchParams.get('onAbort') ?? 'charge-produced') as keyof typeof byPolicy
      return byPolicy[policy](req, { params: Promise.resolve({}) })
    })
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    await stores?.close()
  })

  /** Waits for the call's settle (scheduled through `after` once the server saw the end). */
  async function settled(account: string) {
    return settledWith(async () => {
      const balance = await stores.ledger.balance(account)
      return balance.held === 0 ? balance : undefined
    })
  }

  async function call(charging: Charging, onAbort = 'charge-produced') {
    const account = uniqueName('acct')
    await stores.ledger.grant({ account, amount: GRANT, source: 'test', idempotencyKey: `g:${account}` })
    const g = gates()
    routes.set(account, { charging, gates: g })
    const client = openRequest(`${server.url}/api/turn?onAbort=${onAbort}`, {
      headers: { 'x-user': account, 'content-type': 'application/json' },
      body: '{}',
    })
    await g.started
    return { account, g, client }
  }

  async function usageOf(account: string) {
    const { events } = await stores.usage.list({ account, from: 0, to: Date.now() + 60_000 })
    return events
  }

  describe.each<Charging>(['never', 'per-chunk', 'at-end'])('a handler that charges %s', (charging) => {
    it('the client leaves before the first byte: nothing produced, released', async () => {
      const { account, client } = await call(charging)
      client.cut()
      const balance = await settled(account)
      expect(balance).toMatchObject({ available: GRANT - expected(charging, null), held: 0 })
      expect((await usageOf(account)).map((e) => e.status)).toEqual(['aborted'])
    })

    // k = 3 leaves one byte before the end (the last chunk is one byte); k = 4 after every byte,
    // before the end of the stream.
    it.each([1, 2, 3, 4])('the client leaves after chunk %i of 4', async (k) => {
      const { account, g, client } = await call(charging)
      let bytes = 0
      for (let i = 0; i < k; i++) {
        g.open(i)
        bytes += (CHUNKS[i] as string).length
        await client.until(bytes)
      }
      expect(client.received.toString()).toBe(CHUNKS.slice(0, k).join(''))
      client.cut()
      const balance = await settled(account)
      expect(balance).toMatchObject({ available: GRANT - expected(charging, k), held: 0 })
      const events = await usageOf(account)
      expect(events.map((e) => [e.status, e.amount])).toEqual([['aborted', expected(charging, k)]])
      expect((await stores.ledger.verify(account)).ok).toBe(true)
    })

    it('the client reads to the end', async () => {
      const { account, g, client } = await call(charging)
      for (let i = 0; i <= CHUNKS.length; i++) g.open(i)
      expect((await client.rest()).length).toBe(TOTAL)
      const balance = await settled(account)
      expect(balance).toMatchObject({ available: GRANT - expected(charging, 'end'), held: 0 })
      expect((await usageOf(account)).map((e) => [e.status, e.amount])).toEqual([['ok', expected(charging, 'end')]])
    })
  })
  // The other documented policies, for a handler that reports nothing, leaving after chunk 2.
  it.each([
    ['charge-hold', ESTIMATE * 1000],
    ['release', 0],
  ])("onAbort: '%s' after output: charges %i units", async (policy, units) => {
    const { account, g, client } = await call('never', policy as string)
    g.open(0)
    g.open(1)
    await client.until(8)
    client.cut()
    const balance = await settled(account)
    expect(balance).toMatchObject({ available: GRANT - (units as number), held: 0 })
    expect((await usageOf(account)).map((e) => e.status)).toEqual(['aborted'])
  })
})
