// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type PlanOption, PlanPicker } from '../src/react/index.js'
import { fakeApi, json, problem, renderWithProvider } from './react-helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const PLANS: PlanOption[] = [
  {
    id: 'basic',
    name: 'Basic',
    description: null,
    credits: 10_000,
    unitAmount: 900,
    currency: 'usd',
    interval: 'month',
  },
  {
    id: 'pro',
    name: 'Pro',
    description: 'For teams',
    credits: 50_000,
    unitAmount: 2900,
    currency: 'usd',
    interval: 'month',
  },
]

const item = (planId: string) => document.querySelector(`[data-plan="${planId}"]`) as HTMLElement

describe('PlanPicker', () => {
  it('without a plan: posts only the plan id to subscribe and redirects to Checkout', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    let answer!: (r: Response) => void
    const api = fakeApi({ 'POST /api/subscribe': () => new Promise<Response>((r) => (answer = r)) })
    renderWithProvider(<PlanPicker plans={PLANS} />, { fetch: api.fetch })
    expect(item('pro').textContent).toContain('50,000 credits')
    expect(item('pro').textContent).toContain('/ month')

    fireEvent.click(within(item('pro')).getByRole('button', { name: 'Subscribe' }))
    await waitFor(() => expect(api.calls).toHaveLength(1))
    expect(JSON.parse(api.calls[0]?.body ?? 'null')).toEqual({ planId: 'pro' })
    // Every button is disabled while the browser leaves: one session per click.
    for (const b of screen.getAllByRole('button')) expect((b as HTMLButtonElement).disabled).toBe(true)
    await act(async () => answer(json({ url: 'https://checkout.stripe.com/c/pay/cs_test_plan' })))
    expect(assign).toHaveBeenCalledWith('https://checkout.stripe.com/c/pay/cs_test_plan')
  })

  it('with a plan: marks it current and sends every change to the customer portal', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const api = fakeApi({ 'POST /api/billing/portal': () => json({ url: 'https://billing.stripe.com/p/session/x' }) })
    renderWithProvider(<PlanPicker plans={PLANS} currentPlanId="basic" />, { fetch: api.fetch })
    expect(item('basic').getAttribute('aria-current')).toBe('true')
    expect(item('pro').getAttribute('aria-current')).toBeNull()
    fireEvent.click(within(item('pro')).getByRole('button', { name: 'Switch plan' }))
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://billing.stripe.com/p/session/x'))
    expect(api.count('POST', '/api/subscribe')).toBe(0)
    expect(within(item('basic')).getByRole('button').textContent).toBe('Manage plan')
  })

  it('shows a refusal, re-enables, and never navigates to a non-web URL', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => {})
    const onError = vi.fn()
    const api = fakeApi({ 'POST /api/subscribe': () => problem('invalid_input', { detail: 'Unknown plan.' }) })
    renderWithProvider(<PlanPicker plans={PLANS} onError={onError} />, { fetch: api.fetch })
    fireEvent.click(within(item('basic')).getByRole('button'))
    expect((await screen.findByRole('alert')).textContent).toBe('Unknown plan.')
    expect((within(item('basic')).getByRole('button') as HTMLButtonElement).disabled).toBe(false)
    expect(onError).toHaveBeenCalledOnce()

    const hostile = fakeApi({ 'POST /api/billing/portal': () => json({ url: 'javascript:alert(1)' }) })
    renderWithProvider(<PlanPicker plans={PLANS} currentPlanId="pro" />, { fetch: hostile.fetch })
    fireEvent.click(screen.getAllByRole('button', { name: 'Manage plan' })[0] as HTMLElement)
    expect((await screen.findByText('Invalid redirect URL')).textContent).toBe('Invalid redirect URL')
    expect(assign).not.toHaveBeenCalled()
  })
})
