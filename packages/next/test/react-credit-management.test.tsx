// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { CreditDisplay, CreditManagement, createMeteredStore, type HistoryEntry } from '../src/react/index.js'
import { fakeApi, json, problem, renderWithProvider } from './react-helpers.js'

const users = [
  { id: 'u1', email: 'ada@example.com', name: 'Ada', role: 'user' as const },
  { id: 'u2', email: 'bob@example.com', name: null, role: 'user' as const },
]

/** An admin API over in-memory balances, answering like creditRoutes()/adminRoutes() do. */
function adminApi() {
  const balances = new Map([
    ['u1', 12.5],
    ['u2', 0],
  ])
  const history = new Map<string, HistoryEntry[]>([
    ['u1', [{ id: 'h0', type: 'grant', amount: 12.5, reason: 'signup', createdAt: 0 }]],
  ])
  let n = 0
  const adjust = async (req: Request, sign: 1 | -1) => {
    const body = (await req.json()) as { account: string; credits: number; reason: string; idempotencyKey?: string }
    if (!(body.credits > 0) || !body.reason)
      return problem('invalid_input', { issues: [{ path: 'credits', message: 'bad' }] })
    if (body.reason === 'server says no') {
      return problem('invalid_input', {
        detail: 'The request is not valid.',
        issues: [{ path: 'credits', message: 'must be a positive multiple of 0.001 credits' }],
      })
    }
    const available = balances.get(body.account) ?? 0
    if (sign < 0 && body.credits > available) {
      return problem(
        'insufficient_credits',
        { available, required: body.credits, buyUrl: '/buy' },
        { 'Credits-Remaining': String(available) },
      )
    }
    balances.set(body.account, available + sign * body.credits)
    const list = history.get(body.account) ?? []
    history.set(body.account, [
      {
        id: `h${++n}`,
        type: sign > 0 ? 'grant' : 'debit',
        amount: sign * body.credits,
        reason: body.reason,
        createdAt: n,
      },
      ...list,
    ])
    return json({ ok: true, available: balances.get(body.account) })
  }
  return fakeApi({
    'GET /api/admin/users': (req) => {
      const q = new URL(req.url).searchParams.get('search')?.toLowerCase() ?? ''
      return json({ users: users.filter((u) => `${u.email} ${u.name}`.toLowerCase().includes(q)), nextCursor: null })
    },
    'GET /api/credits/balance': (req) => {
      const account = new URL(req.url).searchParams.get('account') ?? 'admin'
      return json({ account, available: balances.get(account) ?? 99, held: 0, unitsPerCredit: 1000, grants: [] })
    },
    'GET /api/credits/history': (req) => {
      const account = new URL(req.url).searchParams.get('account') ?? 'admin'
      return json({ entries: history.get(account) ?? [], nextCursor: null })
    },
    'POST /api/credits/grant': (req) => adjust(req, 1),
    'POST /api/credits/deduct': (req) => adjust(req, -1),
  })
}

async function selectAda(api: ReturnType<typeof adminApi>, store = createMeteredStore({ initialBalance: 99 })) {
  renderWithProvider(
    <>
      <CreditDisplay />
      <CreditManagement className="admin" />
    </>,
    { fetch: api.fetch, store },
  )
  fireEvent.change(screen.getByRole('searchbox', { name: 'Search users' }), { target: { value: 'ada' } })
  fireEvent.click(screen.getByRole('button', { name: 'Search' }))
  await waitFor(() => expect(api.calls.some((c) => c.search.get('search') === 'ada')).toBe(true))
  await waitFor(() =>
    expect(within(screen.getByRole('list', { name: 'Users' })).getAllByRole('button')).toHaveLength(1),
  )
  fireEvent.click(screen.getByRole('button', { name: 'Ada (ada@example.com)' }))
  const panel = screen.getByRole('region', { name: 'Credits of Ada' })
  await waitFor(() => expect(panel.querySelector('output')!.textContent).toBe('12.5 credits'))
  await within(panel).findByText('signup')
  return { panel, store }
}

const form = (panel: HTMLElement) => within(panel).getByRole('form', { name: 'Adjust credits' })
const fill = (panel: HTMLElement, credits: string, reason: string) => {
  fireEvent.change(within(panel).getByLabelText('Credits'), { target: { value: credits } })
  fireEvent.change(within(panel).getByLabelText('Reason'), { target: { value: reason } })
}
const posts = (api: ReturnType<typeof adminApi>) => api.calls.filter((c) => c.method === 'POST')

describe('CreditManagement', () => {
  it('lists users, then shows the selected one with balance and history', async () => {
    const api = adminApi()
    renderWithProvider(<CreditManagement />, { fetch: api.fetch, initialBalance: 1 })
    const list = await screen.findByRole('list', { name: 'Users' })
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Ada (ada@example.com)', 'bob@example.com'])
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'nobody' } })
    fireEvent.submit(screen.getByRole('search'))
    await screen.findByText('No users found.')
  })

  it('blocks an empty reason and zero or negative credits without sending anything', async () => {
    const api = adminApi()
    const { panel } = await selectAda(api)
    const submit = within(panel).getByRole('button', { name: 'Grant credits' })

    fill(panel, '10', '   ')
    fireEvent.click(submit)
    const reason = within(panel).getByLabelText('Reason')
    expect(reason.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(reason.getAttribute('aria-describedby')!)!.textContent).toMatch(/Enter a reason/)
    expect(document.activeElement).toBe(reason)

    for (const credits of ['0', '-5', '']) {
      fill(panel, credits, 'goodwill')
      fireEvent.submit(form(panel))
      const input = within(panel).getByLabelText('Credits')
      expect(input.getAttribute('aria-invalid')).toBe('true')
      expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe(
        'Enter a positive number of credits.',
      )
      expect(within(panel).getByLabelText('Reason').hasAttribute('aria-invalid')).toBe(false)
      expect(document.activeElement).toBe(input)
    }
    expect(posts(api)).toHaveLength(0)
  })

  it('grants credits: posts account, credits, reason and a key, shows the new balance and history', async () => {
    const api = adminApi()
    const onChange = vi.fn()
    const { panel, store } = await selectAda(api)
    fill(panel, '7.25', ' support refund ')
    fireEvent.click(within(panel).getByRole('button', { name: 'Grant credits' }))
    await within(panel).findByText('Granted 7.25 credits.')
    expect(panel.querySelector('output')!.textContent).toBe('19.75 credits')
    await within(panel).findByText('support refund')
    const [post] = posts(api)
    expect(post!.path).toBe('/api/credits/grant')
    const body = JSON.parse(post!.body!)
    expect(body).toMatchObject({ account: 'u1', credits: 7.25, reason: 'support refund' })
    expect(body.idempotencyKey).toEqual(expect.any(String))
    expect(Object.keys(body).sort()).toEqual(['account', 'credits', 'idempotencyKey', 'reason'])
    // The form is cleared; the admin's own balance is not the user's.
    expect((within(panel).getByLabelText('Credits') as HTMLInputElement).value).toBe('')
    expect(store.getState().balance?.available).toBe(99)
    expect(onChange).not.toHaveBeenCalled()
  })

  it('deducts, and shows a 402 from the server without touching the admin own state', async () => {
    const api = adminApi()
    const { panel, store } = await selectAda(api)
    fireEvent.click(within(panel).getByLabelText('Deduct'))
    fill(panel, '100', 'abuse')
    fireEvent.click(within(panel).getByRole('button', { name: 'Deduct credits' }))
    const alert = await within(panel).findByRole('alert')
    expect(alert.textContent).toBe('insufficient_credits detail The account has 12.5 credits.')
    // A refusal about another account is neither the admin's balance nor the admin's problem.
    expect(store.getState().problem).toBeNull()
    expect(store.getState().balance?.available).toBe(99)
    expect(screen.getAllByText('99 credits')).toHaveLength(1)

    fill(panel, '2.5', 'abuse')
    fireEvent.click(within(panel).getByRole('button', { name: 'Deduct credits' }))
    await within(panel).findByText('Deducted 2.5 credits.')
    expect(panel.querySelector('output')!.textContent).toBe('10 credits')
  })

  it('lists the server field issues of a 400', async () => {
    const api = adminApi()
    const { panel } = await selectAda(api)
    fill(panel, '0.0001', 'server says no')
    fireEvent.click(within(panel).getByRole('button', { name: 'Grant credits' }))
    const alert = await within(panel).findByRole('alert')
    expect(alert.textContent).toBe('The request is not valid. credits: must be a positive multiple of 0.001 credits')
  })
})
