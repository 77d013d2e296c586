import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import CredentialsProvider from 'next-auth/providers/credentials'
import { DEV_ADMIN, DEV_USER, isProduction } from './env'

/**
 * The session secret: `AUTH_SECRET` / `NEXTAUTH_SECRET`; outside production, when neither is set,
 * a random one generated once and kept in `.data/dev-auth-secret` (sessions survive restarts).
 * In production a missing secret stays missing and next-auth refuses to start.
 */
export function authSecret(): string | undefined {
  const configured = process.env.AUTH_SECRET || process.env.NEXTAUTH_SECRET
  if (configured || isProduction) return configured
  const file = path.join(/*turbopackIgnore: true*/ process.cwd(), '.data', 'dev-auth-secret')
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim()
    mkdirSync(path.dirname(file), { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    writeFileSync(file, secret, { mode: 0o600 })
    return secret
  } catch {
    const cache = globalThis as typeof globalThis & { __starterDevSecret?: string }
    cache.__starterDevSecret ??= randomBytes(32).toString('base64url')
    return cache.__starterDevSecret
  }
}

/** A stable user id per email, so signing in again as the same email is the same account. */
export function devUserId(email: string): string {
  return `dev_${createHash('sha256').update(email).digest('hex').slice(0, 20)}`
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/

/**
 * Development sign-in: "dev user", "dev admin", or any email typed in. No password: it exists so
 * the app runs with no Google keys, and lib/auth.ts only adds it outside production.
 */
export function devCredentialsProvider() {
  if (isProduction) throw new Error('the development sign-in is never available in production')
  return CredentialsProvider({
    id: 'dev',
    name: 'Development sign-in',
    credentials: {
      email: { label: 'Email', type: 'email' },
      as: { label: 'Preset', type: 'text' },
    },
    async authorize(credentials) {
      const preset = credentials?.as === 'admin' ? DEV_ADMIN : credentials?.as === 'user' ? DEV_USER : null
      const email = (preset?.email ?? credentials?.email ?? '').trim().toLowerCase()
      if (!EMAIL.test(email)) return null
      return { id: devUserId(email), email, name: preset?.name ?? email.split('@')[0] ?? email }
    },
  })
}
