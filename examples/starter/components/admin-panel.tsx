'use client'
import { CreditManagement } from '@metered/next/react'
import { useCallback, useEffect, useState } from 'react'

type User = {
  id: string
  email: string | null
  name: string | null
  role: 'admin' | 'user'
  lastLoginAt?: number | null
}

/** Users with their roles (set-role through the admin API), and the credit management panel. */
function UsersTable({ currentUserId }: { currentUserId: string }) {
  const [users, setUsers] = useState<User[] | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const load = useCallback(async () => {
    const res = await fetch('/api/admin/users?limit=50')
    if (!res.ok) {
      setMessage(`Could not load users (${res.status}).`)
      return
    }
    setUsers(((await res.json()) as { users: User[] }).users)
  }, [])
  useEffect(() => {
    void load()
  }, [load])
  const setRole = async (user: User, role: User['role']) => {
    const res = await fetch(`/api/admin/users/${encodeURIComponent(user.id)}/role`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role }),
    })
    setMessage(
      res.ok
        ? `${user.email ?? user.id} is now ${role === 'admin' ? 'an admin' : 'a user'}.`
        : `Failed (${res.status}).`,
    )
    await load()
  }
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      {message && <p role="status">{message}</p>}
      {users && (
        <table aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="muted">Change</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name ?? u.id} <span className="muted">{u.email}</span>
                </td>
                <td>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString('en-US') : '—'}</td>
                <td>{u.role}</td>
                <td>
                  {u.id !== currentUserId && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void setRole(u, u.role === 'admin' ? 'user' : 'admin')}
                    >
                      {u.role === 'admin' ? 'Make user' : 'Make admin'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export function AdminPanel({ currentUserId }: { currentUserId: string }) {
  return (
    <>
      <section className="card" aria-labelledby="credits-title">
        <h2 id="credits-title">Grant or deduct credits</h2>
        <CreditManagement className="cm" />
      </section>
      <UsersTable currentUserId={currentUserId} />
    </>
  )
}
