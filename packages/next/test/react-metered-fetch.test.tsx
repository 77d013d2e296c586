// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  CreditDisplay,
  createMeteredFetch,
  createMeteredStore,
  LowCreditsNotice,
  RateLimitNotice,
  useMeteredFetch,
  useMeteredState,
  useMeteredStore,
} from '../src/react/index.js'
import { parseSfList, readRetryAfter } from '../src/react/parse-headers.js'
import { fakeApi, json, problem, renderWithProvider } from './react-helpers.js'

const balanceRoute = () => json({ account: 'u1', available: 100, held: 0, unitsPerCredit: 1000, grants: [] })

/** Exposes the provider's meteredFetch to the test. */
function Grab({ into }: { into: { fetch?: ReturnType<typeof useMeteredFetch> } }) {
  into.fetch = useMeteredFetch()
  return null
}

function Dismiss() {
  const store = useMeteredStore()
  return (
    <button type="button" onClick={() => store.setState({ problem: null })}>
      Dismiss
    </button>
  )
}

function ProblemProbe() {
  const problem = useMeteredState((s) => s.problem)
  return <pre data-testid="problem">{JSON.stringify(problem)}</pre>
}

afterEach(() => {
  vi.useRealTimers()
})

describe('meteredFetch', () => {
  it('moves the balance from a response Credits-Remaining header without fetching the balance again', async () => {
    const api = fakeApi({
      'GET /api/credits/balance': balanceRoute,
      'POST /api/generate': () => json({ ok: true }, { headers: { 'Credits-Remaining': '99.61' } }),
    })
    const grab: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(
      <>
        <CreditDisplay />
        <Grab into={grab} />
      </>,
      { fetch: api.fetch },
    )
    expect(screen.getByText('Loading credits…')).toBeTruthy()
    await screen.findByText('100 credits')
    const res = await act(() => grab.fetch!('/api/generate', { method: 'POST', body: '{}' }))
    expect(await res.json()).toEqual({ ok: true })
    expect(screen.getByText('99.61 credits')).toBeTruthy()
    expect(api.count('GET', '/api/credits/balance')).toBe(1)
    expect(api.calls).toHaveLength(2)
  })

  it('makes no balance request at all when the provider has an initial balance', async () => {
    const api = fakeApi({ 'POST /api/generate': () => json({}, { headers: { 'Credits-Remaining': '1233.5' } }) })
    const grab: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(
      <>
        <CreditDisplay />
        <Grab into={grab} />
      </>,
      { fetch: api.fetch, initialBalance: 1234.567 },
    )
    expect(screen.getByText('1,234.56 credits')).toBeTruthy()
    await act(() => grab.fetch!('/api/generate', { method: 'POST' }))
    expect(screen.getByText('1,233.5 credits')).toBeTruthy()
    expect(api.calls.map((c) => c.path)).toEqual(['/api/generate'])
  })

  it('updates from a streamed response as soon as its headers arrive, before the body is read', async () => {
    let push!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        push = c
      },
    })
    const api = fakeApi({
      'POST /api/turn_response': () =>
        new Response(body, {
          headers: {
            'content-type': 'text/event-stream',
            'Credits-Remaining': '42.5',
            'RateLimit-Policy': '"minute";q=60;w=60, "day";q=1000;w=86400',
            RateLimit: '"minute";r=59;t=41',
          },
        }),
    })
    const store = createMeteredStore({ initialBalance: 50 })
    const meteredFetch = createMeteredFetch(store, api.fetch)
    const before = Date.now()
    const res = await meteredFetch('/api/turn_response', { method: 'POST' })
    // Nothing of the body exists yet: the stream is still open, and the balance already moved.
    expect(res.bodyUsed).toBe(false)
    expect(store.getState().balance).toEqual({ available: 42.5, held: null })
    const rl = store.getState().rateLimit!
    expect(rl).toMatchObject({ policy: 'minute', remaining: 59, limit: 60, window: 60 })
    expect(rl.resetAt).toBeGreaterThanOrEqual(before + 41_000)
    push.enqueue(new TextEncoder().encode('data: {"event":"response.output_text.delta"}\n\n'))
    push.close()
    expect(await res.text()).toContain('output_text.delta')
  })

  it('asks for the settled balance once a metered stream has been read to its end', async () => {
    let balance = 8
    const api = fakeApi({
      'GET /api/credits/balance': () => json({ available: balance, held: 0, unitsPerCredit: 1000, grants: [] }),
      'POST /api/turn_response': () =>
        new Response('data: {"event":"response.completed"}\n\n', {
          headers: { 'content-type': 'text/event-stream', 'Credits-Remaining': '8' },
        }),
    })
    const grab: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(
      <>
        <CreditDisplay />
        <Grab into={grab} />
      </>,
      { fetch: api.fetch, initialBalance: 10 },
    )
    const res = await act(() => grab.fetch!('/api/turn_response', { method: 'POST' }))
    expect(screen.getByText('8 credits')).toBeTruthy()
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    balance = 9.61 // the server settled the actual cost when the stream ended
    await new Promise((r) => setTimeout(r, 400))
    expect(api.count('GET', '/api/credits/balance')).toBe(0) // nothing before the body ends
    expect(await res.text()).toContain('response.completed')
    await screen.findByText('9.61 credits')
    expect(api.count('GET', '/api/credits/balance')).toBe(1)
  })

  it('asks again while the balance still shows credits on hold (the settle runs after the response)', async () => {
    const answers = [
      { available: 8, held: 2 },
      { available: 9.61, held: 0 },
    ]
    const api = fakeApi({
      'GET /api/credits/balance': () => json({ ...answers.shift()!, unitsPerCredit: 1000, grants: [] }),
      'POST /api/turn_response': () =>
        new Response('data: {}\n\n', { headers: { 'content-type': 'text/event-stream', 'Credits-Remaining': '8' } }),
    })
    const store = createMeteredStore({ initialBalance: 10 })
    const meteredFetch = createMeteredFetch(store, api.fetch, { balanceUrl: '/api/credits/balance', settleDelay: 20 })
    await (await meteredFetch('/api/turn_response', { method: 'POST' })).text()
    await waitFor(() => expect(store.getState().balance).toEqual({ available: 9.61, held: 0 }))
    expect(api.count('GET', '/api/credits/balance')).toBe(2)
  })

  it('also after the reader cancels the stream (the user stopped the answer), and never when turned off', async () => {
    const api = fakeApi({
      'GET /api/credits/balance': () => json({ available: 9, held: 0, unitsPerCredit: 1000, grants: [] }),
      'POST /api/turn_response': () =>
        new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array([100, 10])) }), {
          headers: { 'content-type': 'text/plain; charset=utf-8', 'Credits-Remaining': '5' },
        }),
    })
    const on: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    const off: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(<Grab into={on} />, { fetch: api.fetch, initialBalance: 10 })
    renderWithProvider(<Grab into={off} />, { fetch: api.fetch, initialBalance: 10, refreshAfterStream: false })
    const stopped = await act(() => off.fetch!('/api/turn_response', { method: 'POST' }))
    await stopped.body!.cancel()
    await new Promise((r) => setTimeout(r, 400))
    expect(api.count('GET', '/api/credits/balance')).toBe(0)
    const res = await act(() => on.fetch!('/api/turn_response', { method: 'POST' }))
    const reader = res.body!.getReader()
    expect((await reader.read()).value).toEqual(new Uint8Array([100, 10]))
    await reader.cancel()
    await waitFor(() => expect(api.count('GET', '/api/credits/balance')).toBe(1))
  })

  it('keeps the held amount from the last balance response when a header moves the available one', async () => {
    const store = createMeteredStore({ initialBalance: { available: 10, held: 2 } })
    const meteredFetch = createMeteredFetch(store, async () => json({}, { headers: { 'Credits-Remaining': '7' } }))
    await meteredFetch('/api/x')
    expect(store.getState().balance).toEqual({ available: 7, held: 2 })
  })

  it('leaves the store untouched (no re-render) for responses without metered fields', async () => {
    const store = createMeteredStore({ initialBalance: 5 })
    const listener = vi.fn()
    store.subscribe(listener)
    await createMeteredFetch(store, async () => json({ hello: 1 }))('/api/other')
    expect(listener).not.toHaveBeenCalled()
  })

  it('turns a 402 problem into typed state, renders the notice, and leaves the body to the caller', async () => {
    const api = fakeApi({
      'POST /api/generate': () =>
        problem('insufficient_credits', { available: 0.2, required: 0.39, buyUrl: '/buy-credits' }),
    })
    const grab: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(
      <>
        <LowCreditsNotice threshold={0.1} buyUrl="/pricing" />
        <ProblemProbe />
        <Grab into={grab} />
      </>,
      { fetch: api.fetch, initialBalance: 0.2 },
    )
    expect(screen.queryByRole('alert')).toBeNull()
    const res = await act(() => grab.fetch!('/api/generate', { method: 'POST' }))
    expect(res.status).toBe(402)
    expect((await res.json()).required).toBe(0.39)
    expect(JSON.parse(screen.getByTestId('problem').textContent!)).toEqual({
      code: 'insufficient_credits',
      status: 402,
      title: 'Insufficient credits',
      detail: 'insufficient_credits detail',
      available: 0.2,
      required: 0.39,
      buyUrl: '/buy-credits',
    })
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('this needs 0.39 credits and you have 0.2 credits')
    // The server's buyUrl wins over the prop.
    expect(screen.getByRole('link', { name: 'Buy credits' }).getAttribute('href')).toBe('/buy-credits')
  })

  it('a later successful metered response clears the refusal', async () => {
    let refuse = true
    const store = createMeteredStore()
    const meteredFetch = createMeteredFetch(store, async () =>
      refuse
        ? problem('insufficient_credits', { available: 0, required: 1, buyUrl: null })
        : json({}, { headers: { 'Credits-Remaining': '5' } }),
    )
    await meteredFetch('/api/generate')
    expect(store.getState().problem?.code).toBe('insufficient_credits')
    refuse = false
    await meteredFetch('/api/generate')
    expect(store.getState().problem).toBeNull()
  })

  it('a notice can be dismissed through the store', async () => {
    const store = createMeteredStore({ initialBalance: 100 })
    await createMeteredFetch(store, async () =>
      problem('insufficient_credits', { available: 100, required: 150, buyUrl: null }),
    )('/api/x')
    renderWithProvider(
      <>
        <LowCreditsNotice threshold={1} buyUrl="/buy" />
        <Dismiss />
      </>,
      { store },
    )
    expect(screen.getByRole('alert').textContent).toContain('needs 150 credits')
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows the low-credits notice under the threshold with the buy link', async () => {
    renderWithProvider(<LowCreditsNotice threshold={50} buyUrl="/buy-credits" />, { initialBalance: 12.5 })
    const status = screen.getByRole('status')
    expect(status.textContent).toContain('running low on credits (12.5 credits left)')
    expect(screen.getByRole('link', { name: 'Buy credits' }).getAttribute('href')).toBe('/buy-credits')
  })

  it('does not show the low-credits notice at or above the threshold', () => {
    renderWithProvider(<LowCreditsNotice threshold={50} buyUrl="/buy-credits" />, { initialBalance: 50 })
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('counts a 429 Retry-After down each second and disappears at zero', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearInterval', 'clearTimeout', 'Date'] })
    const api = fakeApi({
      'POST /api/generate': () =>
        problem(
          'rate_limited',
          { retryAfterMs: 3000, rules: [{ name: 'minute', limit: 60, remaining: 0, reset: Date.now() + 3000 }] },
          { 'Retry-After': '3', 'RateLimit-Policy': '"minute";q=60;w=60', RateLimit: '"minute";r=0;t=3' },
        ),
    })
    const grab: { fetch?: ReturnType<typeof useMeteredFetch> } = {}
    renderWithProvider(
      <>
        <RateLimitNotice className="notice" />
        <Grab into={grab} />
      </>,
      { fetch: api.fetch, initialBalance: 10 },
    )
    expect(screen.queryByRole('status')).toBeNull()
    await act(() => grab.fetch!('/api/generate', { method: 'POST' }))
    const status = screen.getByRole('status')
    expect(status.className).toBe('notice')
    expect(status.textContent).toBe('Too many requests. Try again in 3 seconds.')
    await act(() => vi.advanceTimersByTimeAsync(1000))
    expect(screen.getByRole('status').textContent).toBe('Too many requests. Try again in 2 seconds.')
    await act(() => vi.advanceTimersByTimeAsync(1000))
    expect(screen.getByRole('status').textContent).toBe('Too many requests. Try again in 1 second.')
    await act(() => vi.advanceTimersByTimeAsync(1000))
    expect(screen.queryByRole('status')).toBeNull()
  })

  it('counts from the 429, however long the notice was mounted before it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearInterval', 'clearTimeout', 'Date'] })
    const store = createMeteredStore({ initialBalance: 1 })
    renderWithProvider(<RateLimitNotice />, { store })
    await act(() => vi.advanceTimersByTimeAsync(60_000))
    await act(() => createMeteredFetch(store, async () => problem('rate_limited', {}, { 'Retry-After': '5' }))('/x'))
    expect(screen.getByRole('status').textContent).toBe('Too many requests. Try again in 5 seconds.')
    expect(store.getState().problem).toMatchObject({ code: 'rate_limited', retryAfter: 5000 })
    await act(() => vi.advanceTimersByTimeAsync(5000))
    expect(screen.queryByRole('status')).toBeNull()
    expect(store.getState()).toMatchObject({ retryAt: null, problem: null })
  })

  it('a store made outside React drives the provider in the browser, seeded with the initial balance', async () => {
    const store = createMeteredStore()
    const meteredFetch = createMeteredFetch(store, async () => json({}, { headers: { 'Credits-Remaining': '4' } }))
    renderWithProvider(<CreditDisplay />, { store, initialBalance: 9 })
    expect(screen.getByText('9 credits')).toBeTruthy()
    await act(() => meteredFetch('/api/generate'))
    expect(screen.getByText('4 credits')).toBeTruthy()
  })

  it('renders a custom rate-limit message with the seconds and the rule', async () => {
    const store = createMeteredStore()
    await createMeteredFetch(store, async () =>
      problem(
        'rate_limited',
        { retryAfterMs: 30_000 },
        { RateLimit: '"day";r=0;t=30', 'RateLimit-Policy': '"day";q=1000;w=86400' },
      ),
    )('/api/x')
    expect(store.getState().problem).toMatchObject({ code: 'rate_limited', retryAfter: 30_000 })
    renderWithProvider(
      <RateLimitNotice>
        {({ seconds, rateLimit }) => `${rateLimit?.policy} quota of ${rateLimit?.limit} used; ${seconds}s`}
      </RateLimitNotice>,
      { store },
    )
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^day quota of 1000 used; (30|29)s$/))
  })
})

describe('header parsing', () => {
  it('reads structured-field lists with quoted names and parameters', () => {
    expect(parseSfList('"minute";q=60;w=60, "day \\"x\\"";q=1000;w=86400, token;r=1')).toEqual([
      { name: 'minute', params: { q: '60', w: '60' } },
      { name: 'day "x"', params: { q: '1000', w: '86400' } },
      { name: 'token', params: { r: '1' } },
    ])
  })

  it('reads Retry-After as seconds or an HTTP date, and ignores garbage', () => {
    const now = Date.parse('2026-11-25T10:00:00Z')
    expect(readRetryAfter(new Headers({ 'Retry-After': '12' }), now)).toBe(12_000)
    expect(readRetryAfter(new Headers({ 'Retry-After': 'Wed, 25 Nov 2026 10:00:30 GMT' }), now)).toBe(30_000)
    expect(readRetryAfter(new Headers({ 'Retry-After': 'soon' }), now)).toBeNull()
    expect(readRetryAfter(new Headers(), now)).toBeNull()
  })

  it('ignores a malformed Credits-Remaining', async () => {
    const store = createMeteredStore({ initialBalance: 3 })
    await createMeteredFetch(store, async () => json({}, { headers: { 'Credits-Remaining': 'lots' } }))('/api/x')
    expect(store.getState().balance?.available).toBe(3)
  })
})
