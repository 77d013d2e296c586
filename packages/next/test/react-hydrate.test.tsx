// @vitest-environment happy-dom
import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { describe, expect, it, vi } from 'vitest'
import {
  BuyCreditsButton,
  CreditDisplay,
  CreditHistory,
  LowCreditsNotice,
  MeteredProvider,
  RateLimitNotice,
  UsageChart,
} from '../src/react/index.js'
import { json } from './react-helpers.js'

const DAY = 86_400_000
const day0 = Date.UTC(2026, 10, 1)
const row = { events: 1, amount: 1.5, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, quantity: 0, errors: 0 }

describe('hydration', () => {
  it('server markup with an initial balance hydrates without a mismatch, a flash or a balance request', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json({ entries: [], nextCursor: null }))
    const app = (
      <MeteredProvider initialBalance={1234.567} fetch={fetch as unknown as typeof globalThis.fetch}>
        <header>
          <CreditDisplay />
        </header>
        <LowCreditsNotice threshold={5000} buyUrl="/buy" />
        <RateLimitNotice />
        <BuyCreditsButton packId="p" />
        <UsageChart
          data={{ buckets: [{ start: day0, feature: 'chat', ...row }], totals: row }}
          to={day0 + 2 * DAY}
          from={day0}
        />
        <CreditHistory />
      </MeteredProvider>
    )
    const html = renderToString(app)
    const container = document.createElement('div')
    container.innerHTML = html
    document.body.append(container)
    const header = container.querySelector('header')!
    expect(header.textContent).toBe('1,234.56 credits')
    const recoverable = vi.fn()
    const errors = vi.spyOn(console, 'error')
    const root = await act(async () => hydrateRoot(container, app, { onRecoverableError: recoverable }))
    expect(recoverable).not.toHaveBeenCalled()
    expect(errors).not.toHaveBeenCalled()
    expect(header.textContent).toBe('1,234.56 credits')
    // Only the history (which has no server value) is fetched after hydration.
    expect(fetch.mock.calls.map(([url]) => String(url).split('?')[0])).toEqual(['/api/credits/history'])
    act(() => root.unmount())
    container.remove()
  })
})
