import type { Login, LoginPage, UserPage, UserProfile } from '@metered/core'
import { NotFoundError, type UserDriver } from '@metered/core/adapter'
import { sql } from 'kysely'
import { arg, type Ctx, nowArg, queryRows } from './call.js'
import { decodePairCursor, encodePairCursor } from './cursor.js'

const userJson = (s: string) =>
  sql.raw(`jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name, 'image', u.image, 'role', u.role,
    'plan', u.plan, 'createdAt', ${s}._ms(u.created_at), 'updatedAt', ${s}._ms(u.updated_at),
    'lastLoginAt', ${s}._ms(u.last_login_at), 'loginCount', u.login_count, 'seq', u.seq::text)`)

const loginJson = (s: string) =>
  sql.raw(`jsonb_build_object('id', l.id::text, 'userId', l.user_id, 'provider', l.provider, 'ip', l.ip,
    'userAgent', l.user_agent, 'at', ${s}._ms(l.at))`)

type UserRow = UserProfile & { seq: string }

function strip({ seq: _, ...user }: UserRow): UserProfile {
  return user
}

/** ILIKE pattern for "contains", with the user's own % and _ taken literally. */
const containsPattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The user store on Postgres: profiles keyed by the auth provider's user id, and login history.
 * Pages are keyset-paginated (newest first) so deep pages cost what the first one does.
 */
export function createPostgresUserDriver(ctx: Ctx): UserDriver {
  const s = sql.raw(ctx.s)
  // Millisecond precision, like every time metered reports: keyset cursors carry epoch ms, so a
  // microsecond remainder would let a row created later in the same millisecond slip between pages.
  const nowTs = () => sql`coalesce(${s}._ts(${nowArg(ctx)}), date_trunc('milliseconds', now()))`

  return {
    async upsert(p) {
      // A field left out keeps its stored value; null clears it. The role is only ever changed
      // when given, so a sign-in that re-upserts a profile never downgrades an admin.
      const keep = (
        field: 'email' | 'name' | 'image' | 'plan',
      ) => sql`CASE WHEN ${arg(p[field] !== undefined, 'boolean')}
        THEN excluded.${sql.raw(field)} ELSE u.${sql.raw(field)} END`
      const [user] = await queryRows<UserRow>(
        ctx,
        sql`INSERT INTO ${s}.users AS u (id, email, name, image, role, plan, created_at, updated_at)
          VALUES (${p.id}, ${p.email ?? null}, ${p.name ?? null}, ${p.image ?? null},
            coalesce(${arg(p.role ?? null, 'text')}, 'user'), ${p.plan ?? null}, ${nowTs()}, ${nowTs()})
          ON CONFLICT (id) DO UPDATE SET email = ${keep('email')}, name = ${keep('name')}, image = ${keep('image')},
            plan = ${keep('plan')}, role = coalesce(${arg(p.role ?? null, 'text')}, u.role), updated_at = excluded.updated_at
          RETURNING ${userJson(ctx.s)} AS r`,
      )
      return strip(user as UserRow)
    },

    async recordLogin(l) {
      const at = l.at === null ? nowTs() : sql`${s}._ts(${arg(l.at, 'bigint')})`
      // One statement: the login row and the profile's counters change together or not at all.
      const [row] = await queryRows<Login>(
        ctx,
        sql`WITH t AS (SELECT ${at} AS at),
          u AS (
            UPDATE ${s}.users SET login_count = login_count + 1,
              last_login_at = greatest(last_login_at, (SELECT at FROM t))
            WHERE id = ${l.userId} RETURNING id
          ),
          ins AS (
            INSERT INTO ${s}.logins (user_id, provider, ip, user_agent, at)
            SELECT u.id, ${l.provider}, ${l.ip}, ${l.userAgent}, t.at FROM u, t
            RETURNING *
          )
          SELECT ${loginJson(ctx.s)} AS r FROM ins l`,
      )
      if (!row) throw new NotFoundError('User')
      return row
    },

    async get(i) {
      const [user] = await queryRows<UserRow>(
        ctx,
        sql`SELECT ${userJson(ctx.s)} AS r FROM ${s}.users u WHERE u.id = ${i}`,
      )
      return user ? strip(user) : null
    },

    async list(q) {
      const limit = q.limit
      const after = decodePairCursor(q.cursor)
      const pattern = q.search ? containsPattern(q.search) : null
      const rows = await queryRows<UserRow>(
        ctx,
        sql`SELECT ${userJson(ctx.s)} AS r FROM ${s}.users u
          WHERE (${arg(pattern, 'text')} IS NULL OR u.email ILIKE ${arg(pattern, 'text')}
              OR u.name ILIKE ${arg(pattern, 'text')} OR u.id ILIKE ${arg(pattern, 'text')})
            AND (${arg(after?.id ?? null, 'bigint')} IS NULL
              OR (u.created_at, u.seq) < (${s}._ts(${arg(after?.at ?? null, 'bigint')}), ${arg(after?.id ?? null, 'bigint')}))
          ORDER BY u.created_at DESC, u.seq DESC
          LIMIT ${arg(limit + 1, 'integer')}`,
      )
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        users: page.map(strip),
        nextCursor: rows.length > limit && last ? encodePairCursor(last.createdAt, last.seq) : null,
      } satisfies UserPage
    },

    async logins(id, o) {
      const limit = o.limit
      const after = decodePairCursor(o.cursor)
      const rows = await queryRows<Login>(
        ctx,
        sql`SELECT ${loginJson(ctx.s)} AS r FROM ${s}.logins l
          WHERE l.user_id = ${id}
            AND (${arg(after?.id ?? null, 'bigint')} IS NULL
              OR (l.at, l.id) < (${s}._ts(${arg(after?.at ?? null, 'bigint')}), ${arg(after?.id ?? null, 'bigint')}))
          ORDER BY l.at DESC, l.id DESC
          LIMIT ${arg(limit + 1, 'integer')}`,
      )
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      return {
        logins: page,
        nextCursor: rows.length > limit && last ? encodePairCursor(last.at, last.id) : null,
      } satisfies LoginPage
    },

    async setRole(i, r) {
      const [user] = await queryRows<UserRow>(
        ctx,
        sql`UPDATE ${s}.users u SET role = ${r}, updated_at = ${nowTs()} WHERE u.id = ${i} RETURNING ${userJson(ctx.s)} AS r`,
      )
      if (!user) throw new NotFoundError('User')
      return strip(user)
    },
  }
}
