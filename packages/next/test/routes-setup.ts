import { createMemoryStores, createMetered, type Ledger, type UsageStore, type UserStore } from '@metered/core'
import type { CatchAllHandlers, RoutesDeps } from '../src/routes/index.js'

/** The stores a suite runs over: memory here, Postgres in routes-postgres.test.ts. */
export interface RouteStores {
  ledger: Ledger
  users: UserStore
  usage: UsageStore
}
export type MakeStores = () => Promise<RouteStores>
export const memoryStores: MakeStores = async () => createMemoryStores()

/** Fresh stores, a metered instance at 1000 units per credit, and users alice, bob (users) and root (admin). */
export async function routesSetup(
  makeStores: MakeStores,
  overrides: {
    ledger?: Ledger
    users?: UserStore | null
    usage?: UsageStore | null
    onError?: (e: unknown) => void
  } = {},
) {
  const stores = await makeStores()
  const ledger = overrides.ledger ?? stores.ledger
  const users = overrides.users === undefined ? stores.users : overrides.users
  const usage = overrides.usage === undefined ? stores.usage : overrides.usage
  const metered = createMetered({ ledger, users, usage, unitsPerCredit: 1000 })
  const reported: unknown[] = []
  const deps: RoutesDeps = {
    metered,
    // The header names the signed-in user; `x-role` is a forged client claim the routes must ignore.
    identify: (req) => {
      const id = req.headers.get('x-user')
      if (!id) return null
      const role = req.headers.get('x-role')
      return role === 'admin' ? { id, role } : { id }
    },
    onError: overrides.onError ?? ((e) => reported.push(e)),
    buyUrl: '/buy-credits',
  }
  if (users) {
    await users.upsert({ id: 'alice', email: 'alice@example.com', name: 'Alice' })
    await users.upsert({ id: 'bob', email: 'bob@example.com', name: 'Bob' })
    await users.upsert({ id: 'root', email: 'root@example.com', name: 'Root', role: 'admin' })
  }
  return { stores, metered, deps, reported }
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests
export type Json = any

export interface CallInit {
  user?: string
  role?: string
  body?: unknown
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string | ReadableStream<Uint8Array>
  headers?: Record<string, string>
  /** Skip Next's route params (the dispatcher falls back to the URL). */
  noParams?: boolean
}

/** Calls a catch-all handler the way Next 15/16 does: `{ params: Promise<{ route: string[] }> }`. */
export async function call(
  handlers: CatchAllHandlers,
  method: 'GET' | 'POST',
  base: string,
  path: string,
  init: CallInit = {},
): Promise<Response> {
  const [pathname = '', search] = path.split('?')
  const segments = pathname.split('/').filter((s) => s !== '')
  const headers: Record<string, string> = { ...init.headers }
  if (init.user) headers['x-user'] = init.user
  if (init.role) headers['x-role'] = init.role
  let body: BodyInit | undefined
  if (init.raw !== undefined) body = init.raw
  else if (init.body !== undefined) body = JSON.stringify(init.body)
  if (body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json'
  const url = `http://localhost${base}${pathname ? `/${pathname}` : ''}${search ? `?${search}` : ''}`
  const req = new Request(url, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
  const handler = handlers[method]
  // outside Next there is no route context: the handler falls back to the path below basePath
  if (init.noParams) return (handler as (req: Request) => Promise<Response>)(req)
  // `[[...route]]` at its root: Next passes `route: undefined`.
  return handler(req, { params: Promise.resolve({ route: segments.length > 0 ? segments : undefined }) })
}

/** The JSON body, asserting the content type matches the status (problem+json for errors). */
export async function body(res: Response): Promise<Json> {
  const type = res.headers.get('content-type') ?? ''
  if (res.status >= 400 && !type.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json for ${res.status}, got ${type}`)
  }
  return (await res.json()) as Json
}
