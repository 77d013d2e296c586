// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import {
  BuyCreditsButton,
  CreditDisplay,
  CreditHistory,
  CreditManagement,
  createMeteredStore,
  LowCreditsNotice,
  MeteredProvider,
  RateLimitNotice,
  UsageChart,
} from '../src/react/index.js'

describe('server rendering', () => {
  it('renders the provider and CreditDisplay with the initial balance, without window', () => {
    expect(typeof window).toBe('undefined')
    const html = renderToString(
      <MeteredProvider initialBalance={1234.567}>
        <header>
          <CreditDisplay className="credits" />
        </header>
      </MeteredProvider>,
    )
    expect(html).toContain('1,234.56 credits')
    expect(html).toContain('aria-live="polite"')
    expect(html).not.toContain('Loading')
  })

  it('renders every component on the server without requests or browser globals', () => {
    const fetch = vi.fn()
    const html = renderToString(
      <MeteredProvider fetch={fetch as unknown as typeof globalThis.fetch}>
        <CreditDisplay />
        <BuyCreditsButton packId="pack_1" />
        <CreditHistory />
        <CreditManagement />
        <UsageChart />
        <RateLimitNotice />
        <LowCreditsNotice threshold={5} buyUrl="/buy" />
      </MeteredProvider>,
    )
    expect(html).toContain('Loading credits…')
    expect(html).toContain('Buy credits')
    expect(html).toContain('Search users')
    expect(fetch).not.toHaveBeenCalled()
  })

  it('renders a passed-in usage chart completely on the server', () => {
    const day = Date.UTC(2026, 10, 1)
    const row = { events: 1, amount: 2, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, quantity: 0, errors: 0 }
    const html = renderToString(
      <MeteredProvider initialBalance={0}>
        <UsageChart data={{ buckets: [{ start: day, feature: 'chat', ...row }], totals: row }} />
      </MeteredProvider>,
    )
    expect(html).toContain('<title>chat, Nov 1: 2 credits</title>')
  })

  it('never renders a shared module-level store on the server: each render holds its own initial balance', () => {
    const shared = createMeteredStore({ initialBalance: 777 })
    const html = renderToString(
      <MeteredProvider store={shared} initialBalance={5}>
        <CreditDisplay />
      </MeteredProvider>,
    )
    expect(html).toContain('5 credits')
    expect(html).not.toContain('777')
    expect(shared.getState().balance?.available).toBe(777)
  })

  it('explains a missing provider', () => {
    expect(() => renderToString(<CreditDisplay />)).toThrow(/MeteredProvider/)
  })
})
