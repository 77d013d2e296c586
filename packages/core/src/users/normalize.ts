import {
  accountSchema,
  loginInputSchema,
  pageOptionsSchema,
  parse,
  roleSchema,
  toEpoch,
  userListQuerySchema,
  userProfileInputSchema,
} from '../schemas.js'
import type { LoginInput, Role, UserListQuery, UserProfileInput } from './types.js'

/**
 * A validated profile change. `undefined` fields keep the stored value, `null` clears it: a
 * sign-in that does not know the user's plan must not wipe it, and an explicit null must win.
 */
export interface NormalizedProfile {
  id: string
  email: string | null | undefined
  name: string | null | undefined
  image: string | null | undefined
  role: Role | undefined
  plan: string | null | undefined
}

/** A validated login with its defaults filled in; `at` in epoch ms, null for the store's now. */
export interface NormalizedLogin {
  userId: string
  provider: string
  ip: string | null
  userAgent: string | null
  at: number | null
}

/** A validated user list query; the store decodes the cursor (its own format). */
export interface NormalizedUserListQuery {
  /** Lower-cased; null when absent or empty (every user matches). */
  search: string | null
  cursor: string | null
  limit: number
}

/** Validated page options (login history); the store decodes the cursor. */
export interface NormalizedPageOptions {
  cursor: string | null
  limit: number
}

/** Validates a profile for `upsert`; keeps the undefined/null distinction (see `NormalizedProfile`). */
export function normalizeProfile(input: UserProfileInput): NormalizedProfile {
  const v = parse(userProfileInputSchema, input, 'user profile')
  return { id: v.id, email: v.email, name: v.name, image: v.image, role: v.role, plan: v.plan }
}

/** Validates a login; a missing `at` stays null (the store's now). */
export function normalizeLogin(input: LoginInput): NormalizedLogin {
  const v = parse(loginInputSchema, input, 'login')
  return {
    userId: v.userId,
    provider: v.provider,
    ip: v.ip ?? null,
    userAgent: v.userAgent ?? null,
    at: v.at === undefined ? null : toEpoch(v.at),
  }
}

/** Validates a user list query; the search is lower-cased for a case-insensitive match. */
export function normalizeUserListQuery(query: UserListQuery | undefined): NormalizedUserListQuery {
  const v = parse(userListQuerySchema, query ?? {}, 'user list query')
  return {
    search: v.search ? v.search.toLowerCase() : null,
    cursor: v.cursor ?? null,
    limit: v.limit ?? 50,
  }
}

/** Validates login-history page options (limit 1..200, default 50). */
export function normalizePageOptions(
  options: { cursor?: string | null; limit?: number } | undefined,
): NormalizedPageOptions {
  const v = parse(pageOptionsSchema, options ?? {}, 'page options')
  return { cursor: v.cursor ?? null, limit: v.limit ?? 50 }
}

/** Validates a user id (1..200 characters). */
export function normalizeUserId(id: string): string {
  return parse(accountSchema, id, 'user id')
}

/** Validates a role: `'admin'` or `'user'`. */
export function normalizeRole(role: Role): Role {
  return parse(roleSchema, role, 'role')
}
