import {
  type Authorizer,
  createLimiter,
  createMemoryStores,
  fixed,
  type Ledger,
  type LimiterStore,
  type MemoryStores,
  type MeteredOptions,
  perToken,
  type Rules,
  slidingWindow,
  type UsageStore,
  type UserStore,
} from '@metered/core'
import { createMeteredNext, type Identity } from '../src/index.js'

export const generatePricer = perToken({ markup: 1.3, creditValue: 0.001 })

/** The stores an instance runs over: `createMemoryStores()`, or a deployment's mix. */
export interface StoreSet {
  ledger: Ledger
  limiterStore: LimiterStore
  usage: UsageStore
  users: UserStore
  authorizer?: Authorizer
}

/** An instance (over new memory stores unless `stores` are given) whose `after` tasks the test can await. */
export function setup<S extends StoreSet = MemoryStores>(
  options: {
    rules?: Rules
    limiterStore?: LimiterStore
    identify?: (req: Request) => Identity | null | Promise<Identity | null>
    metered?: Partial<MeteredOptions>
    stores?: S
    onError?: (error: unknown) => void
  } = {},
) {
  // without `stores`, S is its default: MemoryStores
  const stores = options.stores ?? (createMemoryStores() as unknown as S)
  const limiter = createLimiter({
    store: options.limiterStore ?? stores.limiterStore,
    rules: options.rules ?? { minute: slidingWindow({ limit: 1000, window: '1 m' }) },
    onStoreError: 'deny',
  })
  const tasks: Promise<unknown>[] = []
  const errors: unknown[] = []
  const metered = createMeteredNext({
    ...stores,
    limiter,
    unitsPerCredit: 1000,
    pricing: { generate: generatePricer, image: fixed(5), chat: generatePricer },
    ...options.metered,
    identify:
      options.identify ??
      ((req) => {
        const id = req.headers.get('x-user')
        return id ? { id } : null
      }),
    buyUrl: '/buy-credits',
    after: (task) => {
      tasks.push(task)
    },
    onError: options.onError ?? ((error) => errors.push(error)),
  })
  return {
    stores,
    limiter,
    metered,
    errors,
    /** Waits for every `after()` task, including ones scheduled while waiting. */
    async flush() {
      while (tasks.length > 0) await Promise.all(tasks.splice(0))
    },
    async grant(account: string, credits: number) {
      await stores.ledger.grant({
        account,
        amount: credits * 1000,
        source: 'test',
        idempotencyKey: `g:${account}:${credits}:${Math.random()}`,
      })
    },
    async available(account: string) {
      return (await stores.ledger.balance(account)).available
    },
    /**
     * Waits for the `after` tasks and polls until `probe` returns a value: a streamed call settles
     * only once the server saw the stream end, which is later than the client's cut.
     */
    async settled<T>(probe: () => Promise<T | undefined>): Promise<T> {
      for (let i = 0; i < 1000; i++) {
        while (tasks.length > 0) await Promise.all(tasks.splice(0))
        const value = await probe()
        if (value !== undefined) return value
        await new Promise((r) => setTimeout(r, 10))
      }
      throw new Error('the call never settled')
    },
  }
}

export function post(
  body: unknown,
  init: { user?: string; headers?: Record<string, string>; signal?: AbortSignal; raw?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers }
  if (init.user) headers['x-user'] = init.user
  return new Request('http://localhost/api/test', {
    method: 'POST',
    headers,
    body: init.raw ?? JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  })
}

export const noParams = { params: Promise.resolve({}) }
