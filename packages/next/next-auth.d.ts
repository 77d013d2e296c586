/**
 * `@metered/next/next-auth`: types the session `meteredAuth` builds, for next-auth v4 and
 * Auth.js v5 (next-auth@5) alike. Its `session` callback puts `id` and `role` on `session.user`,
 * and its `jwt` callback puts them in the token; this augmentation tells TypeScript so.
 *
 * Include it once, in any file of the app (types only, nothing is imported at run time):
 *   import type {} from '@metered/next/next-auth'
 */
import type { DefaultSession } from 'next-auth'

declare module 'next-auth' {
  interface Session {
    user: {
      /** The user id (the adapter's user row, or the token's `id`/`sub`). */
      id: string
      /** From metered's user store (or the `admins` list); for display: server checks read the store. */
      role: 'admin' | 'user'
    } & DefaultSession['user']
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    id?: string
    role?: 'admin' | 'user'
  }
}
