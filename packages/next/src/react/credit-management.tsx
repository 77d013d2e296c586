import { type FormEvent, useId, useState } from 'react'
import { useMeteredContext } from './context.js'
import { HistoryList } from './credit-history.js'
import { creditsLabel } from './format.js'
import { MeteredHttpError } from './problem.js'
import { query, requestJson } from './request.js'
import type { BalanceResponse, MeteredUser } from './types.js'
import { useCreditHistory } from './use-credit-history.js'
import { useJson } from './use-json.js'

/** Props of `<CreditManagement>` (admins). */
export interface CreditManagementProps {
  /** Class of the panel. Default: none. */
  className?: string | undefined
  /** Entries per history page. @default 10 */
  historyLimit?: number | undefined
  /** Called after a grant or deduction went through. Default: none. */
  onChange?: (change: { account: string; action: 'grant' | 'deduct'; credits: number; available: number }) => void
}

const userLabel = (u: MeteredUser) => u.name || u.email || u.id

/**
 * Admin panel: find a user, see their balance and history, grant or deduct credits with a reason.
 * The server decides who is an admin (from its user store); this only renders its answers.
 * @example
 * // app/admin/page.tsx (after checking the role on the server)
 * <CreditManagement className="admin" />
 */
export function CreditManagement({ className, historyLimit = 10, onChange }: CreditManagementProps) {
  const { rawFetch, baseUrl } = useMeteredContext()
  const [search, setSearch] = useState('')
  const [term, setTerm] = useState('')
  const [selected, setSelected] = useState<MeteredUser | null>(null)
  // Admin calls go around the store: nothing here is about the admin's own credits.
  const found = useJson<{ users: MeteredUser[] }>(rawFetch, `${baseUrl}/admin/users${query({ search: term })}`)
  const searchId = useId()
  return (
    <section className={className} aria-label="Credit management">
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is unknown to Safari < 17 and older Chromium; the role works everywhere */}
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setTerm(search.trim())
        }}
      >
        <label htmlFor={searchId}>Search users</label>{' '}
        <input id={searchId} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />{' '}
        <button type="submit">Search</button>
      </form>
      {found.error && <p role="alert">{found.error.message}</p>}
      {found.data &&
        (found.data.users.length > 0 ? (
          <ul aria-label="Users">
            {found.data.users.map((u) => (
              <li key={u.id}>
                <button type="button" aria-pressed={selected?.id === u.id} onClick={() => setSelected(u)}>
                  {userLabel(u)}
                  {u.email && u.name ? ` (${u.email})` : ''}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p>No users found.</p>
        ))}
      {selected && <AccountPanel key={selected.id} user={selected} historyLimit={historyLimit} onChange={onChange} />}
    </section>
  )
}

type Errors = { credits?: string; reason?: string }

function AccountPanel({
  user,
  historyLimit,
  onChange,
}: {
  user: MeteredUser
  historyLimit: number
  onChange: CreditManagementProps['onChange']
}) {
  const { rawFetch, baseUrl } = useMeteredContext()
  const balance = useJson<BalanceResponse>(rawFetch, `${baseUrl}/credits/balance${query({ account: user.id })}`)
  const history = useCreditHistory({ account: user.id, limit: historyLimit })
  const [action, setAction] = useState<'grant' | 'deduct'>('grant')
  const [credits, setCredits] = useState('')
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [pending, setPending] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null)
  const id = useId()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const amount = Number(credits)
    const next: Errors = {}
    if (credits.trim() === '' || !Number.isFinite(amount) || amount <= 0)
      next.credits = 'Enter a positive number of credits.'
    if (reason.trim() === '') next.reason = 'Enter a reason; it is shown in the history.'
    setErrors(next)
    setResult(null)
    if (next.credits || next.reason) {
      // Take keyboard and screen-reader users to the first field to fix (its error is its description).
      document.getElementById(id + (next.credits ? 'credits' : 'reason'))?.focus()
      return
    }
    setPending(true)
    try {
      const res = await requestJson<{ available: number }>(rawFetch, `${baseUrl}/credits/${action}`, {
        account: user.id,
        credits: amount,
        reason: reason.trim(),
        // One key per submission: a retried request (double click, flaky network) applies once.
        idempotencyKey: globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`,
      })
      if (balance.data) balance.setData({ ...balance.data, available: res.available })
      else void balance.refresh()
      void history.refresh()
      setCredits('')
      setReason('')
      setResult({ ok: true, message: `${action === 'grant' ? 'Granted' : 'Deducted'} ${creditsLabel(amount)}.` })
      onChange?.({ account: user.id, action, credits: amount, available: res.available })
    } catch (err) {
      setResult({ ok: false, message: describe(err) })
    } finally {
      setPending(false)
    }
  }

  const field = (name: keyof Errors) => ({
    id: id + name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${id}${name}-error` : undefined,
  })
  return (
    <section aria-label={`Credits of ${userLabel(user)}`}>
      <p>
        <strong>{userLabel(user)}</strong>
        {user.email && user.name ? ` ${user.email}` : ''}
      </p>
      <p>
        Balance:{' '}
        <output aria-live="polite">
          {balance.data ? creditsLabel(balance.data.available) : balance.error ? balance.error.message : 'Loading…'}
        </output>
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Adjust credits">
        <fieldset>
          <legend>Action</legend>
          {(['grant', 'deduct'] as const).map((a) => (
            <label key={a}>
              <input type="radio" name={`${id}action`} checked={action === a} onChange={() => setAction(a)} />{' '}
              {a === 'grant' ? 'Grant' : 'Deduct'}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}credits`}>Credits</label>{' '}
        <input
          {...field('credits')}
          type="number"
          inputMode="decimal"
          min="0"
          step="any"
          value={credits}
          onChange={(e) => setCredits(e.target.value)}
        />
        {errors.credits && <span id={`${id}credits-error`}>{errors.credits}</span>}{' '}
        <label htmlFor={`${id}reason`}>Reason</label>{' '}
        <input {...field('reason')} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
        {errors.reason && <span id={`${id}reason-error`}>{errors.reason}</span>}{' '}
        <button type="submit" disabled={pending} aria-busy={pending || undefined}>
          {action === 'grant' ? 'Grant credits' : 'Deduct credits'}
        </button>
        {result && <p role={result.ok ? 'status' : 'alert'}>{result.message}</p>}
      </form>
      <HistoryList history={history} />
    </section>
  )
}

/** A refusal as one sentence, with the server's field issues (400) or shortfall (402). */
function describe(error: unknown): string {
  if (!(error instanceof MeteredHttpError)) return 'The request failed; check the connection and try again.'
  const p = error.problem
  if (Array.isArray(p?.issues)) {
    const issues = (p.issues as Array<{ path?: string; message?: string }>).map((i) => `${i.path}: ${i.message}`)
    return `${error.message} ${issues.join('; ')}`
  }
  if (error.status === 402 && typeof p?.available === 'number') {
    return `${error.message} The account has ${creditsLabel(p.available)}.`
  }
  return error.message
}
