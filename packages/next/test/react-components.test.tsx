// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  BuyCreditsButton,
  CreditDisplay,
  CreditHistory,
  creditsLabel,
  formatCredits,
  type HistoryEntry,
  MeteredProvider,
  UsageChart,
  type UsageStats,
  useCreditHistory,
  useCredits,
  useUsage,
} from '../src/react/index.js'
import { fakeApi, json, problem, renderWithProvider } from './react-helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const DAY = 86_400_000
const day0 = Date.UTC(2026, 10, 1)

/** Components exposing a hook's latest result to the test. */
function CreditsProbe({ into }: { into: { value?: ReturnType<typeof useCredits> } }) {
  into.value = useCredits()
  return null
}
function HistoryProbe({ into }: { into: { value?: ReturnType<typeof useCreditHistory> } }) {
  into.value = useCreditHistory({ limit: 1 })
  return null
}
function UsageProbe({ into }: { into: { value?: ReturnType<typeof useUsage> } }) {
  into.value = useUsage({ from: new Date(day0), bucket: 'hour' })
  return null
}

function entry(i: number): HistoryEntry {
  return {
    id: `e${i}`,
    type: i % 2 ? 'debit' : 'grant',
    amount: i % 2 ? -0.39 : 100,
    reason: `reason ${i}`,
    createdAt: day0 + i * 1000,
  }
}

describe('CreditDisplay', () => {
  it('shows loading, then the formatted balance in a polite live region', async () => {
    let answer!: (r: Response) => void
    const api = fakeApi({
      'GET /api/credits/balance': () => new Promise<Response>((r) => (answer = r)),
    })
    const { container } = renderWithProvider(<CreditDisplay className="credits" />, { fetch: api.fetch })
    const span = container.querySelector('span.credits')!
    expect(span.getAttribute('aria-live')).toBe('polite')
    expect(span.getAttribute('aria-busy')).toBe('true')
    expect(span.textContent).toBe('Loading credits…')
    await waitFor(() => expect(answer).toBeTypeOf('function'))
    await act(async () =>
      answer(json({ account: 'u', available: 1234.567, held: 1, unitsPerCredit: 1000, grants: [] })),
    )
    expect(span.textContent).toBe('1,234.56 credits')
    expect(span.hasAttribute('aria-busy')).toBe(false)
  })

  it('says "1 credit" and takes a render function', () => {
    renderWithProvider(<CreditDisplay>{({ text, available }) => `Balance: ${text} (${available})`}</CreditDisplay>, {
      initialBalance: 1,
    })
    expect(screen.getByText('Balance: 1 credit (1)')).toBeTruthy()
  })

  it('shows an error state when the balance cannot be read, and refresh recovers', async () => {
    let fail = true
    const api = fakeApi({
      'GET /api/credits/balance': () =>
        fail ? problem('store_unavailable') : json({ available: 3, held: 0, unitsPerCredit: 1, grants: [] }),
    })
    const probe: { value?: ReturnType<typeof useCredits> } = {}
    renderWithProvider(
      <>
        <CreditDisplay />
        <CreditsProbe into={probe} />
      </>,
      { fetch: api.fetch, baseUrl: '/api/' },
    )
    await screen.findByText('Credits unavailable')
    expect(probe.value!.error?.message).toBe('store_unavailable detail')
    fail = false
    await act(() => probe.value!.refresh())
    expect(screen.getByText('3 credits')).toBeTruthy()
    expect(probe.value).toMatchObject({ available: 3, held: 0, loading: false, error: null })
  })

  it('fetches the balance once however many components read it', async () => {
    const api = fakeApi({
      'GET /api/credits/balance': () => json({ available: 8, held: 0, unitsPerCredit: 1, grants: [] }),
    })
    renderWithProvider(
      <>
        <CreditDisplay />
        <CreditDisplay />
        <CreditDisplay />
      </>,
      { fetch: api.fetch },
    )
    await waitFor(() => expect(screen.getAllByText('8 credits')).toHaveLength(3))
    expect(api.count('GET', '/api/credits/balance')).toBe(1)
  })
})

describe('BuyCreditsButton', () => {
  it('posts only the pack id, stays disabled while loading, and redirects to the checkout url', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    let answer!: (r: Response) => void
    const api = fakeApi({ 'POST /api/checkout': () => new Promise<Response>((r) => (answer = r)) })
    renderWithProvider(<BuyCreditsButton packId="pack_5" className="buy" />, { fetch: api.fetch })
    const button = screen.getByRole('button', { name: 'Buy credits' })
    fireEvent.click(button)
    await waitFor(() => expect(api.calls).toHaveLength(1))
    expect((button as HTMLButtonElement).disabled).toBe(true)
    expect(button.getAttribute('aria-busy')).toBe('true')
    fireEvent.click(button)
    expect(api.calls).toHaveLength(1)
    expect(JSON.parse(api.calls[0]!.body!)).toEqual({ packId: 'pack_5' })
    await act(async () => answer(json({ url: 'https://checkout.stripe.com/c/pay/cs_test_1' })))
    expect(assign).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_test_1')
    // Still disabled while the browser leaves: no second session.
    expect((button as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows the server error, re-enables, and renders loading labels from a function', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const onError = vi.fn()
    const api = fakeApi({ 'POST /billing/checkout': () => problem('invalid_input', { detail: 'Unknown pack.' }) })
    renderWithProvider(
      <BuyCreditsButton packId="nope" checkoutUrl="/billing/checkout" onError={onError}>
        {({ loading }) => (loading ? 'Redirecting…' : 'Buy 1,000 credits')}
      </BuyCreditsButton>,
      { fetch: api.fetch },
    )
    fireEvent.click(screen.getByRole('button', { name: 'Buy 1,000 credits' }))
    expect(screen.getByRole('button', { name: 'Redirecting…' })).toBeTruthy()
    expect((await screen.findByRole('alert')).textContent).toBe('Unknown pack.')
    const button = screen.getByRole('button', { name: 'Buy 1,000 credits' }) as HTMLButtonElement
    expect(button.disabled).toBe(false)
    expect(onError).toHaveBeenCalledOnce()
    expect(assign).not.toHaveBeenCalled()
  })
})

describe('BuyCreditsButton with a bad answer', () => {
  it('never navigates to a non-web URL', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const api = fakeApi({ 'POST /api/checkout': () => json({ url: 'javascript:alert(1)' }) })
    renderWithProvider(<BuyCreditsButton packId="p" />, { fetch: api.fetch })
    fireEvent.click(screen.getByRole('button'))
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid checkout URL')
    expect(assign).not.toHaveBeenCalled()
  })

  it('follows a relative URL (a development checkout in the app itself)', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const api = fakeApi({ 'POST /api/checkout': () => json({ url: '/checkout/success?session_id=dev_1' }) })
    renderWithProvider(<BuyCreditsButton packId="p" />, { fetch: api.fetch })
    fireEvent.click(screen.getByRole('button'))
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/checkout/success?session_id=dev_1'))
  })
})

describe('BuyCreditsButton after Back from checkout', () => {
  it('re-enables when the page comes back from the bfcache', async () => {
    vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const api = fakeApi({ 'POST /api/checkout': () => json({ url: 'https://checkout.test/s' }) })
    renderWithProvider(<BuyCreditsButton packId="p" />, { fetch: api.fetch })
    const button = screen.getByRole('button') as HTMLButtonElement
    fireEvent.click(button)
    await waitFor(() => expect(window.location.assign).toHaveBeenCalled())
    expect(button.disabled).toBe(true)
    const shown = new Event('pageshow') as Event & { persisted?: boolean }
    Object.defineProperty(shown, 'persisted', { value: true })
    act(() => {
      window.dispatchEvent(shown)
    })
    expect(button.disabled).toBe(false)
  })
})

describe('provider', () => {
  it('an inline fetch prop that changes every render refetches nothing', async () => {
    const api = fakeApi({ 'GET /api/credits/history': () => json({ entries: [], nextCursor: null }) })
    const ui = () => <CreditHistory />
    const view = renderWithProvider(ui(), { fetch: (i, init) => api.fetch(i, init) })
    await screen.findByText('No credit history yet.')
    view.rerender(
      <MeteredProvider fetch={(i, init) => api.fetch(i, init)}>
        <CreditHistory />
      </MeteredProvider>,
    )
    view.rerender(
      <MeteredProvider fetch={(i, init) => api.fetch(i, init)}>
        <CreditHistory />
      </MeteredProvider>,
    )
    await act(() => new Promise((r) => setTimeout(r, 10)))
    expect(api.calls).toHaveLength(1)
  })
})

describe('CreditHistory', () => {
  it('lists entries and loads more pages by cursor until none remain', async () => {
    const all = Array.from({ length: 5 }, (_, i) => entry(i))
    const api = fakeApi({
      'GET /api/credits/history': (req) => {
        const url = new URL(req.url)
        const start = Number(url.searchParams.get('cursor') ?? 0)
        const limit = Number(url.searchParams.get('limit'))
        const next = start + limit < all.length ? String(start + limit) : null
        return json({ entries: all.slice(start, start + limit), nextCursor: next })
      },
    })
    renderWithProvider(<CreditHistory limit={2} className="history" />, { fetch: api.fetch })
    const region = screen.getByRole('region', { name: 'Credit history' })
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(2))
    const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(day0)
    expect(within(region).getAllByRole('listitem')[0]!.textContent).toBe(`reason 0 +100 ${when}`)
    expect(region.querySelector('time')!.getAttribute('dateTime')).toBe('2026-11-01T00:00:00.000Z')
    expect(within(region).getAllByRole('listitem')[1]!.textContent).toContain('-0.39')
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(4))
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(5))
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
    expect(api.calls.map((c) => c.search.get('cursor'))).toEqual([null, '2', '4'])
  })

  it('says so when empty, shows errors, and takes entry render props', async () => {
    const api = fakeApi({ 'GET /api/credits/history': () => json({ entries: [], nextCursor: null }) })
    renderWithProvider(<CreditHistory />, { fetch: api.fetch })
    await screen.findByText('No credit history yet.')

    const failing = fakeApi({ 'GET /api/credits/history': () => problem('unauthenticated') })
    renderWithProvider(<CreditHistory />, { fetch: failing.fetch })
    expect((await screen.findByRole('alert')).textContent).toBe('unauthenticated detail')

    const one = fakeApi({ 'GET /api/credits/history': () => json({ entries: [entry(1)], nextCursor: null }) })
    renderWithProvider(<CreditHistory renderEntry={(e) => <b>{`${e.type}:${e.amount}`}</b>} types={['debit']} />, {
      fetch: one.fetch,
    })
    await screen.findByText('debit:-0.39')
    expect(one.calls[0]!.search.get('types')).toBe('debit')
  })

  it('exposes the pages through useCreditHistory', async () => {
    const api = fakeApi({ 'GET /api/credits/history': () => json({ entries: [entry(0)], nextCursor: 'c1' }) })
    const probe: { value?: ReturnType<typeof useCreditHistory> } = {}
    renderWithProvider(<HistoryProbe into={probe} />, { fetch: api.fetch })
    await waitFor(() => expect(probe.value!.loading).toBe(false))
    expect(probe.value).toMatchObject({ entries: [entry(0)], hasMore: true, error: null })
  })
})

const stats: UsageStats = {
  from: day0,
  to: day0 + 3 * DAY,
  bucket: 'day',
  buckets: [
    {
      start: day0,
      feature: 'chat',
      events: 3,
      amount: 1.17,
      inputTokens: 10,
      cachedInputTokens: 0,
      outputTokens: 30,
      quantity: 0,
      errors: 0,
    },
    {
      start: day0,
      feature: 'image',
      events: 1,
      amount: 40,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      quantity: 1,
      errors: 0,
    },
    {
      start: day0 + 2 * DAY,
      feature: 'chat',
      events: 2,
      amount: 0.78,
      inputTokens: 8,
      cachedInputTokens: 0,
      outputTokens: 20,
      quantity: 0,
      errors: 0,
    },
  ],
  totals: { events: 6, amount: 41.95, inputTokens: 18, cachedInputTokens: 0, outputTokens: 50, quantity: 1, errors: 0 },
}

describe('UsageChart', () => {
  it('draws one bar per bucket and feature with labels, an accessible name and a data table', async () => {
    const api = fakeApi({ 'GET /api/profile/usage': () => json(stats) })
    const { container } = renderWithProvider(<UsageChart from={day0} to={day0 + 3 * DAY} className="chart" />, {
      fetch: api.fetch,
    })
    const svg = await screen.findByRole('img', { name: 'Credits used per day' })
    const q = api.calls[0]!.search
    expect([q.get('from'), q.get('to'), q.get('bucket'), q.get('by')]).toEqual([
      String(day0),
      String(day0 + 3 * DAY),
      'day',
      'feature',
    ])
    const bars = [...svg.querySelectorAll('rect')]
    expect(bars.map((r) => r.querySelector('title')?.textContent)).toEqual([
      'chat, Nov 1: 1.17 credits',
      'image, Nov 1: 40 credits',
      'chat, Nov 3: 0.78 credits',
    ])
    expect(bars.map((r) => r.getAttribute('data-feature'))).toEqual(['chat', 'image', 'chat'])
    // Stacked: the day's total fills the plot height; features share a day's x.
    expect(bars[0]!.getAttribute('x')).toBe(bars[1]!.getAttribute('x'))
    const desc = svg.querySelector('desc')!.textContent
    expect(desc).toBe('41.95 credits in total. chat: 1.95, image: 40.')
    // A quiet day is a row of zeros, not a missing row.
    const table = screen.getByRole('table', { name: 'Credits used per day' })
    const rows = within(table)
      .getAllByRole('row')
      .map((r) => r.textContent)
    expect(rows).toEqual(['Day (UTC)chatimageTotal', 'Nov 11.174041.17', 'Nov 2000', 'Nov 30.7800.78'])
    expect(container.querySelector('figure.chart')).toBeTruthy()
  })

  it('an empty range draws its quiet days and says there was no usage', () => {
    const empty = { buckets: [], totals: { ...stats.totals, events: 0, amount: 0 } }
    renderWithProvider(<UsageChart data={empty} from={day0} to={day0 + 2 * DAY} />, { initialBalance: 0 })
    const svg = screen.getByRole('img', { name: 'Credits used per day' })
    expect(svg.querySelector('desc')!.textContent).toBe('No usage in this period.')
    expect(svg.querySelectorAll('rect')).toHaveLength(0)
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(3) // header + 2 days
  })

  it('groups features side by side when asked, scaled to the largest single bar', () => {
    renderWithProvider(<UsageChart data={stats} layout="grouped" />, { initialBalance: 0 })
    const bars = [...screen.getByRole('img').querySelectorAll('rect')]
    expect(bars).toHaveLength(3)
    const [chat, image] = bars.map((b) => ({
      x: Number(b.getAttribute('x')),
      w: Number(b.getAttribute('width')),
      h: Number(b.getAttribute('height')),
    }))
    expect(image!.x).toBeCloseTo(chat!.x + chat!.w)
    expect(image!.h).toBeCloseTo(240 - 8 - 22) // the largest value fills the plot
  })

  it('renders passed data without a request, by another metric', () => {
    const api = fakeApi({})
    renderWithProvider(<UsageChart data={stats} metric="events" title="Calls per day" />, { fetch: api.fetch })
    const svg = screen.getByRole('img', { name: 'Calls per day' })
    expect(svg.querySelectorAll('rect')).toHaveLength(3)
    expect(svg.querySelector('rect title')!.textContent).toBe('chat, Nov 1: 3 events')
    expect(api.calls).toHaveLength(0)
  })

  it('says when there is no usage, and exposes the stats through useUsage', async () => {
    const empty = { buckets: [], totals: { ...stats.totals, events: 0, amount: 0 } }
    const api = fakeApi({ 'GET /api/profile/usage': () => json(empty) })
    const probe: { value?: ReturnType<typeof useUsage> } = {}
    renderWithProvider(
      <>
        <UsageChart />
        <UsageProbe into={probe} />
      </>,
      { fetch: api.fetch },
    )
    const svg = await screen.findByRole('img')
    expect(svg.querySelector('desc')!.textContent).toBe('No usage in this period.')
    await waitFor(() => expect(probe.value!.stats).toEqual(empty))
    const hourly = api.calls.find((c) => c.search.get('bucket') === 'hour')!
    expect(hourly.search.get('from')).toBe(String(day0))
  })
})

describe('formatCredits', () => {
  it('groups, cuts to two decimals without rounding up, and keeps tiny balances visible', () => {
    expect(formatCredits(1234.567)).toBe('1,234.56')
    expect(formatCredits(0.999)).toBe('0.99')
    expect(formatCredits(12)).toBe('12')
    expect(formatCredits(-0.39)).toBe('-0.39')
    expect(formatCredits(0.0047)).toBe('0.0047')
    expect(formatCredits(0)).toBe('0')
    expect(formatCredits(1234.5, { locale: 'de-DE' })).toBe('1.234,5')
    expect(formatCredits(1.23456, { maximumFractionDigits: 4 })).toBe('1.2345')
    expect(creditsLabel(1)).toBe('1 credit')
    expect(creditsLabel(0.5)).toBe('0.5 credits')
  })
})
