'use client'
import { signIn } from 'next-auth/react'
import { useId, useState } from 'react'

/** The development sign-in (no Google keys, never in production): a preset user, or any email. */
export function DevSignIn({ callbackUrl }: { callbackUrl: string }) {
  const [email, setEmail] = useState('')
  const [pending, setPending] = useState(false)
  const id = useId()
  const go = (credentials: { as: string } | { email: string }) => {
    setPending(true)
    void signIn('dev', { ...credentials, callbackUrl })
  }
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Development sign-in</h2>
      <p className="muted">
        No Google keys are set, so this local sign-in stands in for Google. It has no password and is never enabled in
        production.
      </p>
      <div className="row">
        <button type="button" disabled={pending} onClick={() => go({ as: 'user' })}>
          Sign in as dev user
        </button>
        <button type="button" disabled={pending} onClick={() => go({ as: 'admin' })}>
          Sign in as dev admin
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          if (email.trim()) go({ email: email.trim() })
        }}
      >
        <div className="stack">
          <label htmlFor={`${id}-email`}>Or any email</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <button type="submit" className="secondary" disabled={pending}>
          Sign in with this email
        </button>
      </form>
    </section>
  )
}
