'use client'
import { CreditDisplay, CreditHistory, UsageChart } from '@metered/next/react'
import { useEffect, useMemo, useState } from 'react'

type Login = { id: string; provider: string; ip: string | null; userAgent: string | null; at: number }

const DAY = 86_400_000

function LoginHistory() {
  const [logins, setLogins] = useState<Login[] | null>(null)
  const [error, setError] = useState(false)
  useEffect(() => {
    fetch('/api/profile/logins')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((body: { logins: Login[] }) => setLogins(body.logins))
      .catch(() => setError(true))
  }, [])
  if (error) return <p role="alert">Could not load the login history.</p>
  if (!logins) return <p aria-busy="true">Loading…</p>
  if (logins.length === 0) return <p>No sign-ins recorded yet.</p>
  return (
    <table aria-label="Login history">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Provider</th>
          <th scope="col">IP</th>
          <th scope="col">Browser</th>
        </tr>
      </thead>
      <tbody>
        {logins.map((l) => {
          return (
            <tr key={l.id}>
              <td>{new Date(l.at).toLocaleString('en-US')}</td>
              <td>{l.provider}</td>
              <td>{l.ip ?? '—'}</td>
              <td className="muted">{l.userAgent ? l.userAgent.slice(0, 60) : '—'}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

export function ProfileDashboard() {
  // The last 14 days, by day and feature (chat = generate, images = image).
  const range = useMemo(() => {
    const to = Math.ceil((Date.now() + 1) / DAY) * DAY
    return { from: to - 14 * DAY, to }
  }, [])
  return (
    <>
      <section className="card" aria-labelledby="balance-title">
        <h2 id="balance-title">Balance</h2>
        <p>
          <CreditDisplay className="badge" />
        </p>
      </section>
      <section className="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage</h2>
        <UsageChart
          from={range.from}
          to={range.to}
          bucket="day"
          by="feature"
          title="Credits used per day, by feature"
        />
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Credit history</h2>
        <CreditHistory limit={10} />
      </section>
      <section className="card" aria-labelledby="logins-title">
        <h2 id="logins-title">Sign-ins</h2>
        <LoginHistory />
      </section>
    </>
  )
}
