import { stringProblem, textSchema } from '@metered/core'
import { accountSchema } from '@metered/core/adapter'
import * as z from 'zod/mini'

/**
 * zod schemas for the routes' query strings and bodies. Query values arrive as strings, so
 * numbers are parsed here; bounds match what the stores accept, so a bad value is a 400 listing
 * the field rather than a store error.
 *
 * Built with `zod/mini` and only when first used, as core's schemas are: each exported schema is
 * a pure-marked `z.lazy` whose body runs on its first parse, so an app that imports the root for
 * `withCredits` alone carries no route schema work at start-up (docs/design.md, "Light bundles").
 */

const DAY = 86_400_000

/** A schema whose body is built on its first parse. */
function lazily<T extends z.core.SomeType>(build: () => T): z.ZodMiniLazy<T> {
  return z.lazy(build)
}

/** An opaque page cursor, as the previous page's `nextCursor` gave it. */
const cursorParam = () => z.optional(textSchema(1, 1000))

/** Page size: a query string of at most 4 digits, 1..max. */
const limitParam = (max: number) =>
  z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,4}$/, 'must be a whole number')), z.transform(Number)),
      z.int().check(z.gte(1), z.lte(max)),
    ),
  )

/** `?account=` on reads: someone else's account (admins only; checked by the route). */
const accountParam = () => z.optional(accountSchema)

const entryTypes = ['grant', 'debit', 'expire', 'revoke'] as const

/** `?types=grant,debit`. */
const typesParam = () =>
  z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s) =>
          s
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== ''),
        ),
      ),
      z.array(z.enum(entryTypes)).check(z.minLength(1, 'name at least one entry type')),
    ),
  )

/** A time as epoch milliseconds (docs/http-api.md), or an ISO 8601 date for hand-written URLs. */
const timeParam = () =>
  z.optional(
    z.pipe(
      z.string(),
      z.transform((s, ctx) => {
        const t = /^\d{1,16}$/.test(s) ? Number(s) : Date.parse(s)
        if (!Number.isSafeInteger(t) || t < 0) {
          ctx.issues.push({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date', input: s })
          return z.NEVER
        }
        return t
      }),
    ),
  )

const historyShape = () => ({ cursor: cursorParam(), limit: limitParam(500), types: typesParam() })

export const historyQuery = /* @__PURE__ */ lazily(() => z.object({ ...historyShape(), account: accountParam() }))

/** The history query of a route whose account is in the path: `?account=` is ignored. */
export const pathAccountHistoryQuery = /* @__PURE__ */ lazily(() => z.object(historyShape()))

const pageShape = () => ({ cursor: cursorParam(), limit: limitParam(200) })

export const pageQuery = /* @__PURE__ */ lazily(() => z.object({ ...pageShape(), account: accountParam() }))

/** A page query of a route whose account is in the path: `?account=` is ignored. */
export const pathAccountPageQuery = /* @__PURE__ */ lazily(() => z.object(pageShape()))

export const balanceQuery = /* @__PURE__ */ lazily(() => z.object({ account: accountParam() }))

export const userListQuery = /* @__PURE__ */ lazily(() =>
  z.object({ search: z.optional(textSchema(0, 200)), cursor: cursorParam(), limit: limitParam(200) }),
)

/** Longest range per bucket: hourly buckets for a month, daily ones for the stores' 400 days. */
export const MAX_RANGE_MS = { hour: 31 * DAY, day: 400 * DAY } as const
/** Default range when `from` is omitted. */
export const DEFAULT_RANGE_MS = { hour: 2 * DAY, day: 30 * DAY } as const

/**
 * `?from=&to=&bucket=day|hour&by=feature`: `to` defaults to now, `from` to 30 days (daily) or 2
 * days (hourly) before `to`; `from < to` and the range at most 31 days hourly / 400 days daily.
 */
export const usageQuery = (now: () => number) =>
  lazily(() =>
    z
      .pipe(
        z.object({
          from: timeParam(),
          to: timeParam(),
          bucket: z._default(z.enum(['hour', 'day']), 'day'),
          by: z.optional(z.literal('feature')),
          account: accountParam(),
        }),
        z.transform((q) => {
          // `to` is exclusive: one ms past now, so what was recorded this very millisecond counts.
          const to = q.to ?? now() + 1
          const from = q.from ?? Math.max(0, to - DEFAULT_RANGE_MS[q.bucket])
          return { ...q, from, to }
        }),
      )
      .check(
        z.superRefine((q, ctx) => {
          if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to', input: q })
          else if (q.to - q.from > MAX_RANGE_MS[q.bucket]) {
            ctx.addIssue({
              code: 'custom',
              path: ['to'],
              message: `the range is at most ${MAX_RANGE_MS[q.bucket] / DAY} days for ${q.bucket} buckets`,
              input: q,
            })
          }
        }),
      ),
  )

// Strings go to the stores: core's string rule (well-formed Unicode, no NUL) names the field here.
const reasonField = () =>
  z.string().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(200),
    z.superRefine((s, ctx) => {
      const problem = stringProblem(s)
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: s })
    }),
  )
/** Client idempotency keys are namespaced by the route (`admin-grant:`), so 150 leaves room. */
const idempotencyKeyField = () => z.optional(textSchema(1, 150))
const creditsField = () => z.number({ error: 'must be a number' }).check(z.positive())

export const grantBody = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: accountSchema,
    credits: creditsField(),
    reason: reasonField(),
    idempotencyKey: idempotencyKeyField(),
    expiresAt: z.optional(z.int().check(z.positive())),
  }),
)

export const deductBody = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: accountSchema,
    credits: creditsField(),
    reason: reasonField(),
    idempotencyKey: idempotencyKeyField(),
  }),
)

export const roleBody = /* @__PURE__ */ lazily(() => z.strictObject({ role: z.enum(['admin', 'user']) }))

/**
 * `?account=<id>|all&from=&to=&format=csv|ndjson` for the usage export: `to` defaults to now,
 * `from` to 30 days before; at most 400 days.
 */
export const usageExportQuery = (now: () => number) =>
  lazily(() =>
    z
      .pipe(
        z.object({
          // absent: every account (core's ALL_ACCOUNTS); `?account=all` is the account named "all"
          account: accountParam(),
          from: timeParam(),
          to: timeParam(),
          format: z._default(z.enum(['csv', 'ndjson']), 'csv'),
        }),
        z.transform((q) => {
          const to = q.to ?? now()
          return { account: q.account, format: q.format, to, from: q.from ?? to - 30 * DAY }
        }),
      )
      .check(
        z.refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] }),
        z.refine((q) => q.to - q.from <= 400 * DAY, { message: 'range is at most 400 days', path: ['to'] }),
      ),
  )
