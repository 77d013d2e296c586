/** A user's role: admins may read and change other accounts through the admin routes. */
export type Role = 'admin' | 'user'

/** What `users.upsert` takes: the profile a sign-in knows; absent fields keep their stored value. */
export interface UserProfileInput {
  id: string
  email?: string | null
  name?: string | null
  image?: string | null
  /** Only set when given; a new user defaults to `'user'`. Sign-in never downgrades an admin. */
  role?: Role
  plan?: string | null
}

/** A stored user profile with its role, plan and login counters. */
export interface UserProfile {
  id: string
  email: string | null
  name: string | null
  image: string | null
  role: Role
  plan: string | null
  /** Epoch ms. */
  createdAt: number
  updatedAt: number
  /** The latest login's `at`; a login recorded late (older `at`) counts but does not move it back. */
  lastLoginAt: number | null
  loginCount: number
}

/** What `users.recordLogin` takes: one sign-in. */
export interface LoginInput {
  userId: string
  /** e.g. `'google'`, `'credentials'`. */
  provider: string
  ip?: string | null
  userAgent?: string | null
  at?: number | Date
}

/** One recorded sign-in. */
export interface Login {
  id: string
  userId: string
  provider: string
  ip: string | null
  userAgent: string | null
  at: number
}

/** Search and paging of `users.list`. */
export interface UserListQuery {
  /** Case-insensitive substring of email, name or id. */
  search?: string | null
  cursor?: string | null
  /** @default 50, at most 200 */
  limit?: number
}

/** One page of `users.list`. */
export interface UserPage {
  /** Newest first. */
  users: UserProfile[]
  nextCursor: string | null
}

/** One page of a user's sign-ins. */
export interface LoginPage {
  /** Newest first. */
  logins: Login[]
  nextCursor: string | null
}

/** The user store port: profiles, roles and login history. */
export interface UserStore {
  /** Creates the profile or updates the fields given. */
  upsert(profile: UserProfileInput): Promise<UserProfile>
  /** Records a sign-in and updates the profile's login counters. */
  recordLogin(login: LoginInput): Promise<Login>
  /** The profile, or null for an unknown id. */
  get(id: string): Promise<UserProfile | null>
  /** Profiles, newest first, optionally filtered by a search string. */
  list(query?: UserListQuery): Promise<UserPage>
  /** A user's sign-ins, newest first. */
  logins(userId: string, options?: { cursor?: string | null; limit?: number }): Promise<LoginPage>
  /** Throws `NotFoundError` for an unknown user. */
  setRole(id: string, role: Role): Promise<UserProfile>
}
