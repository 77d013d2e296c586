// next-auth v4 as docs/react.md uses it: session.user.id and session.user.role are typed.
import type { AuthOptions, Session } from 'next-auth'
import { getServerSession } from 'next-auth'
import type { JWT } from 'next-auth/jwt'

declare const authOptions: AuthOptions

export async function who(): Promise<{ id: string; role: 'admin' | 'user' } | null> {
  const session = await getServerSession(authOptions)
  if (!session) return null
  const name: string | null | undefined = session.user.name
  void name
  return { id: session.user.id, role: session.user.role }
}

export function fromToken(token: JWT): string | undefined {
  return token.role === 'admin' ? token.id : undefined
}

export const shown = (session: Session) => `${session.user.email} (${session.user.role})`
