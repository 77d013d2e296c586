// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
import type { DefaultSession } from 'next-auth'

// meteredAuth's session callback puts the user id and the stored role on the session.
declare module 'next-auth' {
  interface Session {
    user: { id: string; role?: 'admin' | 'user' } & DefaultSession['user']
  }
}
