// @vitest-environment happy-dom
import { type Rules, slidingWindow } from '@metered/core'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { CatchAllHandlers } from '../src/index.js'
import {
  CreditDisplay,
  CreditHistory,
  CreditManagement,
  LowCreditsNotice,
  RateLimitNotice,
  UsageChart,
  useCredits,
  useMeteredFetch,
} from '../src/react/index.js'
import { renderWithProvider } from './react-helpers.js'
import { noParams, setup } from './server-helpers.js'

/**
 * The hooks against the real route handlers (memory stores): the browser's `fetch` is answered by
 * `withCredits` routes and the route factories, signed in as `user` (the x-user header stands in
 * for the session cookie).
 */
async function app(user: string, rules?: Rules) {
  const t = setup(rules ? { rules } : {})
  const stream: { push?: ReadableStreamDefaultController<Uint8Array> } = {}
  const turn = t.metered.withCredits({ feature: 'generate', estimate: 2 }, (_req, ctx) => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        // withCredits waits for the first chunk (an upstream failing before output gets a clean
        // problem); the rest of the stream stays open while the client reacts to the headers.
        c.enqueue(new TextEncoder().encode('data: {"event":"response.created"}\n\n'))
        stream.push = c
      },
      cancel() {},
    })
    ctx.charge(0.39)
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  })
  const image = t.metered.withCredits({ feature: 'image', price: 5 }, () => Response.json({ url: 'https://img' }))
  // 1 prompt token and up to 4096 output tokens of gpt-4.1-nano; a short balance gets a shorter answer
  const fitted = t.metered.withCredits(
    {
      feature: 'generate',
      fit: { minOutputTokens: 64 },
      estimate: { model: 'gpt-4.1-nano', inputTokens: 1, outputTokens: 4096 },
    },
    (_req, ctx) => {
      ctx.charge({ usage: { model: 'gpt-4.1-nano', inputTokens: 1, outputTokens: 10 } })
      return Response.json({ maxOutputTokens: ctx.maxOutputTokens })
    },
  )
  const catchAll: Record<string, CatchAllHandlers> = {
    '/api/credits': t.metered.creditRoutes(),
    '/api/profile': t.metered.profileRoutes(),
    '/api/admin': t.metered.adminRoutes(),
  }
  const calls: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const headers = new Headers(init?.headers)
    headers.set('x-user', user)
    const req = new Request(url, { ...init, headers })
    calls.push(`${req.method} ${url.pathname}`)
    if (url.pathname === '/api/turn_response') return turn(req, noParams)
    if (url.pathname === '/api/image') return image(req, noParams)
    if (url.pathname === '/api/fitted') return fitted(req, noParams)
    const prefix = Object.keys(catchAll).find((p) => url.pathname.startsWith(p))
    if (!prefix) return new Response(null, { status: 404 })
    // the catch-all's params as Next passes them for `[...route]`
    const route = url.pathname.slice(prefix.length).split('/').filter(Boolean)
    return catchAll[prefix]![req.method as 'GET' | 'POST'](req, { params: Promise.resolve({ route }) })
  })
  return { t, stream, calls, fetch: fetch as unknown as typeof globalThis.fetch }
}

function Grab({
  into,
}: {
  into: { fetch?: ReturnType<typeof useMeteredFetch>; credits?: ReturnType<typeof useCredits> }
}) {
  into.fetch = useMeteredFetch()
  into.credits = useCredits()
  return null
}

describe('hooks against the real routes', () => {
  it('balance from the route, then from a streamed turn header before its body, then the settled amount', async () => {
    const a = await app('u1')
    await a.t.grant('u1', 10)
    const grab: Parameters<typeof Grab>[0]['into'] = {}
    renderWithProvider(
      <>
        <CreditDisplay />
        <Grab into={grab} />
      </>,
      { fetch: a.fetch },
    )
    await screen.findByText('10 credits')
    const res = await act(() => grab.fetch!('/api/turn_response', { method: 'POST', body: '{}' }))
    // The hold of 2 is reflected at once, while the stream is still open.
    expect(res.bodyUsed).toBe(false)
    expect(screen.getByText('8 credits')).toBeTruthy()
    a.stream.push!.enqueue(new TextEncoder().encode('data: {"event":"response.completed"}\n\n'))
    a.stream.push!.close()
    expect(await res.text()).toContain('response.completed')
    // Once the stream ended the server settled 0.39 and freed the rest; the provider asks once.
    await screen.findByText('9.61 credits')
    expect(a.calls.filter((c) => c === 'GET /api/credits/balance')).toHaveLength(2)

    // The same account's history and usage, as the routes serve them.
    renderWithProvider(
      <>
        <CreditHistory />
        <UsageChart from={Date.now() - 86_400_000} to={Date.now() + 1000} />
      </>,
      { fetch: a.fetch },
    )
    const history = screen.getByRole('region', { name: 'Credit history' })
    await waitFor(() => expect(within(history).getAllByRole('listitem')).toHaveLength(2))
    expect(within(history).getAllByRole('listitem')[0]!.textContent).toMatch(/^generate -0\.39 /)
    const chart = await screen.findByRole('img', { name: 'Credits used per day' })
    expect([...chart.querySelectorAll('rect title')].map((t) => t.textContent)).toEqual([
      expect.stringMatching(/^generate, \w+ \d+: 0\.39 credits$/),
    ])
  })

  it('an answer fitted to a short balance shows in useCredits, and the next full one clears it', async () => {
    const a = await app('u1')
    await a.t.stores.ledger.grant({ account: 'u1', amount: 500, source: 't', idempotencyKey: 'u1' })
    const grab: Parameters<typeof Grab>[0]['into'] = {}
    renderWithProvider(<Grab into={grab} />, { fetch: a.fetch })
    const res = await act(() => grab.fetch!('/api/fitted', { method: 'POST' }))
    // 500 units: floor((500 - 0.13) / 0.52) = 961 output tokens
    expect(await res.json()).toEqual({ maxOutputTokens: 961 })
    expect(grab.credits!.fittedOutputTokens).toBe(961)
    await a.t.grant('u1', 10)
    await act(() => grab.fetch!('/api/fitted', { method: 'POST' }))
    expect(grab.credits!.fittedOutputTokens).toBeNull()
  })

  it('a real 402 shows the notice with the server buy link', async () => {
    const a = await app('u2')
    await a.t.grant('u2', 1)
    const grab: Parameters<typeof Grab>[0]['into'] = {}
    renderWithProvider(
      <>
        <LowCreditsNotice threshold={0.5} />
        <Grab into={grab} />
      </>,
      { fetch: a.fetch, initialBalance: 1 },
    )
    const res = await act(() => grab.fetch!('/api/image', { method: 'POST' }))
    expect(res.status).toBe(402)
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('this needs 5 credits and you have 1 credit')
    expect(within(alert).getByRole('link').getAttribute('href')).toBe('/buy-credits')
  })

  it('a real 429 shows the countdown from Retry-After', async () => {
    const a = await app('u3', { minute: slidingWindow({ limit: 1, window: '1 m' }) })
    await a.t.grant('u3', 100)
    const grab: Parameters<typeof Grab>[0]['into'] = {}
    renderWithProvider(
      <>
        <RateLimitNotice />
        <Grab into={grab} />
      </>,
      { fetch: a.fetch, initialBalance: 100 },
    )
    expect((await act(() => grab.fetch!('/api/image', { method: 'POST' }))).status).toBe(200)
    const refused = await act(() => grab.fetch!('/api/image', { method: 'POST' }))
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(1)
    expect(screen.getByRole('status').textContent).toBe(`Too many requests. Try again in ${retryAfter} seconds.`)
  })

  it('an admin grants through CreditManagement and sees the new balance and entry', async () => {
    const a = await app('root')
    await a.t.stores.users.upsert({ id: 'root', email: 'root@example.com', name: 'Root', role: 'admin' })
    await a.t.stores.users.upsert({ id: 'alice', email: 'alice@example.com', name: 'Alice' })
    await a.t.grant('alice', 3)
    renderWithProvider(<CreditManagement />, { fetch: a.fetch, initialBalance: 0 })
    fireEvent.click(await screen.findByRole('button', { name: 'Alice (alice@example.com)' }))
    const panel = screen.getByRole('region', { name: 'Credits of Alice' })
    await waitFor(() => expect(panel.querySelector('output')!.textContent).toBe('3 credits'))
    fireEvent.change(within(panel).getByLabelText('Credits'), { target: { value: '1.5' } })
    fireEvent.change(within(panel).getByLabelText('Reason'), { target: { value: 'support' } })
    fireEvent.click(within(panel).getByRole('button', { name: 'Grant credits' }))
    await within(panel).findByText('Granted 1.5 credits.')
    expect(panel.querySelector('output')!.textContent).toBe('4.5 credits')
    await within(panel).findByText('support')
    expect(await a.t.available('alice')).toBe(4500)
  })
})
