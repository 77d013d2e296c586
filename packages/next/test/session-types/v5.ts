// Auth.js v5 (next-auth@5) as docs/react.md uses it: `auth()` from NextAuth(...).
import NextAuth, { type Session } from 'next-auth'
import type { JWT } from 'next-auth/jwt'

const { auth } = NextAuth({ providers: [] })

export async function who(): Promise<{ id: string; role: 'admin' | 'user' } | null> {
  const session = await auth()
  if (!session) return null
  return { id: session.user.id, role: session.user.role }
}

export function fromToken(token: JWT): string | undefined {
  return token.role === 'admin' ? token.id : undefined
}

export const shown = (session: Session) => `${session.user.email} (${session.user.role})`
