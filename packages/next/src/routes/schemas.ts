import { stringProblem, textSchema } from '@metered/core'
import { accountSchema } from '@metered/core/adapter'
import { z } from 'zod'

/**
 * zod schemas for the routes' query strings and bodies. Query values arrive as strings, so
 * numbers are parsed here; bounds match what the stores accept, so a bad value is a 400 listing
 * the field rather than a store error.
 */

const DAY = 86_400_000

/** An opaque page cursor, as the previous page's `nextCursor` gave it. */
export const cursorParam = z.optional(textSchema(1, 1000))

/** Page size. */
export const limitParam = (max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional()

/** `?account=` on reads: someone else's account (admins only; checked by the route). */
export const accountParam = z.optional(accountSchema)

const entryTypes = ['grant', 'debit', 'expire', 'revoke'] as const

/** `?types=grant,debit`. */
export const typesParam = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  )
  .pipe(z.array(z.enum(entryTypes)).min(1, 'name at least one entry type'))
  .optional()

/** A time as epoch milliseconds (docs/http-api.md), or an ISO 8601 date for hand-written URLs. */
export const timeParam = z
  .string()
  .transform((s, ctx) => {
    const t = /^\d{1,16}$/.test(s) ? Number(s) : Date.parse(s)
    if (!Number.isSafeInteger(t) || t < 0) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO 8601 date' })
      return z.NEVER
    }
    return t
  })
  .optional()

export const historyQuery = z.object({
  cursor: cursorParam,
  limit: limitParam(500),
  types: typesParam,
  account: accountParam,
})

export const pageQuery = z.object({ cursor: cursorParam, limit: limitParam(200), account: accountParam })

export const balanceQuery = z.object({ account: accountParam })

export const userListQuery = z.object({
  search: z.optional(textSchema(0, 200)),
  cursor: cursorParam,
  limit: limitParam(200),
})

/** Longest range per bucket: hourly buckets for a month, daily ones for the stores' 400 days. */
export const MAX_RANGE_MS = { hour: 31 * DAY, day: 400 * DAY } as const
/** Default range when `from` is omitted. */
export const DEFAULT_RANGE_MS = { hour: 2 * DAY, day: 30 * DAY } as const

/**
 * `?from=&to=&bucket=day|hour&by=feature`: `to` defaults to now, `from` to 30 days (daily) or 2
 * days (hourly) before `to`; `from < to` and the range at most 31 days hourly / 400 days daily.
 */
export const usageQuery = (now: () => number) =>
  z
    .object({
      from: timeParam,
      to: timeParam,
      bucket: z.enum(['hour', 'day']).default('day'),
      by: z.literal('feature').optional(),
      account: accountParam,
    })
    .transform((q) => {
      // `to` is exclusive: one ms past now, so what was recorded this very millisecond counts.
      const to = q.to ?? now() + 1
      const from = q.from ?? Math.max(0, to - DEFAULT_RANGE_MS[q.bucket])
      return { ...q, from, to }
    })
    .superRefine((q, ctx) => {
      if (q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' })
      else if (q.to - q.from > MAX_RANGE_MS[q.bucket]) {
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `the range is at most ${MAX_RANGE_MS[q.bucket] / DAY} days for ${q.bucket} buckets`,
        })
      }
    })

// Strings go to the stores: core's string rule (well-formed Unicode, no NUL) names the field here.
const reasonField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .superRefine((s, ctx) => {
    const problem = stringProblem(s)
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
  })
/** Client idempotency keys are namespaced by the route (`admin-grant:`), so 150 leaves room. */
const idempotencyKeyField = z.optional(textSchema(1, 150))
const creditsField = z.number({ error: 'must be a number' }).finite().positive()

export const grantBody = z.strictObject({
  account: accountSchema,
  credits: creditsField,
  reason: reasonField,
  idempotencyKey: idempotencyKeyField,
  expiresAt: z.number().int().positive().optional(),
})

export const deductBody = z.strictObject({
  account: accountSchema,
  credits: creditsField,
  reason: reasonField,
  idempotencyKey: idempotencyKeyField,
})

export const roleBody = z.strictObject({ role: z.enum(['admin', 'user']) })

/**
 * `?account=<id>|all&from=&to=&format=csv|ndjson` for the usage export: `to` defaults to now,
 * `from` to 30 days before; at most 400 days.
 */
export const usageExportQuery = (now: () => number) =>
  z
    .object({
      account: z.union([z.literal('all'), accountSchema]).default('all'),
      from: timeParam,
      to: timeParam,
      format: z.enum(['csv', 'ndjson']).default('csv'),
    })
    .transform((q) => {
      const to = q.to ?? now()
      return { account: q.account, format: q.format, to, from: q.from ?? to - 30 * DAY }
    })
    .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] })
    .refine((q) => q.to - q.from <= 400 * DAY, { message: 'range is at most 400 days', path: ['to'] })
