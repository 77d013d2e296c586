export type Role = 'admin' | 'user'

export interface UserProfileInput {
  id: string
  email?: string | null
  name?: string | null
  image?: string | null
  /** Only set when given; a new user defaults to `'user'`. Sign-in never downgrades an admin. */
  role?: Role
  plan?: string | null
}

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

export interface LoginInput {
  userId: string
  /** e.g. `'google'`, `'credentials'`. */
  provider: string
  ip?: string | null
  userAgent?: string | null
  at?: number | Date
}

export interface Login {
  id: string
  userId: string
  provider: string
  ip: string | null
  userAgent: string | null
  at: number
}

export interface UserListQuery {
  /** Case-insensitive substring of email, name or id. */
  search?: string | null
  cursor?: string | null
  /** @default 50, at most 200 */
  limit?: number
}

export interface UserPage {
  /** Newest first. */
  users: UserProfile[]
  nextCursor: string | null
}

export interface LoginPage {
  /** Newest first. */
  logins: Login[]
  nextCursor: string | null
}

/** The user store port: profiles, roles and login history. */
export interface UserStore {
  upsert(profile: UserProfileInput): Promise<UserProfile>
  recordLogin(login: LoginInput): Promise<Login>
  get(id: string): Promise<UserProfile | null>
  list(query?: UserListQuery): Promise<UserPage>
  logins(userId: string, options?: { cursor?: string | null; limit?: number }): Promise<LoginPage>
  /** Throws `NotFoundError` for an unknown user. */
  setRole(id: string, role: Role): Promise<UserProfile>
}
