import { z } from 'zod'
import { toMs } from './duration.js'
import { ValidationError } from './errors.js'
import { checkMetadata, stringProblem } from './input-rules.js'

/**
 * zod schemas for every public input, and `parse()` which turns zod's failure into a
 * `ValidationError` naming the fields. Adapters call the `normalize*` helpers before touching
 * their store, so bad input is refused identically everywhere and nothing is written.
 */

/**
 * Limits shared by the schemas below and the hand-written checks on the hot path
 * (fast-parse.ts), so the two can never disagree on a length or a set of values.
 */
/** Longest account id, idempotency key, hold id, reason, user id or model name. */
export const MAX_ID_LENGTH = 200
/** Longest feature or limiter rule name. */
export const MAX_NAME_LENGTH = 100
/** Most items (key, rule) in one limiter store call. */
export const MAX_CONSUME_ITEMS = 32
export const USAGE_STATUSES = ['ok', 'error', 'aborted', 'refused'] as const
export const RULE_KINDS = ['fixed_window', 'sliding_window', 'token_bucket'] as const

/**
 * A string of `min`..`max` code points that every store can keep and tell apart: well-formed
 * Unicode without NUL (docs/semantics.md, Input rules). Every string input is one of these.
 */
export function textSchema(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = stringProblem(s)
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
    })
}

export const accountSchema = textSchema(1, MAX_ID_LENGTH)
export const keySchema = textSchema(1, MAX_ID_LENGTH)
export const reasonSchema = textSchema(1, MAX_ID_LENGTH)
/** A feature or limiter rule name. */
export const nameSchema = textSchema(1, MAX_NAME_LENGTH)
export const amountSchema = z
  .number({ error: 'must be a number' })
  .refine((n) => Number.isSafeInteger(n), 'must be a safe integer')
  .refine((n) => n > 0, 'must be greater than 0')
export const nonNegativeAmountSchema = z
  .number({ error: 'must be a number' })
  .refine((n) => Number.isSafeInteger(n), 'must be a safe integer')
  .refine((n) => n >= 0, 'must be 0 or more')
/**
 * Plain JSON metadata (see `checkMetadata`): the output is a deep copy made of the values that
 * were checked, and a refusal names the offending path (`metadata.a.0`).
 */
export const metadataSchema = z.unknown().transform((v, ctx) => {
  const checked = checkMetadata(v)
  if (checked.ok) return checked.value
  ctx.addIssue({ code: 'custom', message: checked.message, path: checked.path.map(String) })
  return z.NEVER
})
export const instantSchema = z.union([
  z.number().refine((n) => Number.isSafeInteger(n) && n >= 0, 'must be epoch milliseconds'),
  z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
])
export const durationSchema = z.union([
  z.number().refine((n) => Number.isSafeInteger(n) && n > 0, 'must be positive milliseconds'),
  z.string().refine((s) => {
    try {
      toMs(s as never)
      return true
    } catch {
      return false
    }
  }, 'must be a duration such as "30 s"'),
])

export const grantInputSchema = z.strictObject({
  account: accountSchema,
  amount: amountSchema,
  source: reasonSchema,
  expiresAt: instantSchema.nullable().optional(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  idempotencyKey: keySchema,
  metadata: metadataSchema.optional(),
})

export const debitInputSchema = z.strictObject({
  account: accountSchema,
  amount: amountSchema,
  reason: reasonSchema,
  idempotencyKey: keySchema.optional(),
  metadata: metadataSchema.optional(),
})

export const reserveInputSchema = z.strictObject({
  account: accountSchema,
  amount: amountSchema,
  ttl: durationSchema,
  reason: reasonSchema.optional(),
  idempotencyKey: keySchema.optional(),
  metadata: metadataSchema.optional(),
})

export const settleInputSchema = z.strictObject({
  holdId: keySchema,
  amount: nonNegativeAmountSchema,
  metadata: metadataSchema.optional(),
})

export const releaseInputSchema = z.strictObject({ holdId: keySchema })

export const revokeInputSchema = z
  .strictObject({
    grantId: keySchema.optional(),
    grantIdempotencyKey: keySchema.optional(),
    amount: amountSchema.optional(),
    reason: reasonSchema,
    idempotencyKey: keySchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .refine((v) => (v.grantId === undefined) !== (v.grantIdempotencyKey === undefined), {
    message: 'give exactly one of grantId and grantIdempotencyKey',
    path: ['grantId'],
  })

export const historyOptionsSchema = z.strictObject({
  cursor: textSchema(0, 200).nullable().optional(),
  limit: z.number().int().min(1).max(500).optional(),
  types: z.array(z.enum(['grant', 'debit', 'expire', 'revoke'])).optional(),
})

export const ruleSpecSchema = z
  .strictObject({
    kind: z.enum(RULE_KINDS),
    limit: amountSchema,
    windowMs: amountSchema,
    refillAmount: nonNegativeAmountSchema,
  })
  // A bucket that never refills divides by a zero rate (reset and retryAfter become Infinity).
  .refine((r) => r.kind !== 'token_bucket' || r.refillAmount > 0, {
    message: 'a token bucket needs refillAmount > 0',
    path: ['refillAmount'],
  })
  // The sliding window compares limit * windowMs in integers; past 2^53 doubles (JS, Lua) lose them.
  .refine((r) => r.kind !== 'sliding_window' || Number.isSafeInteger(r.limit * r.windowMs), {
    message: 'limit * windowMs must stay below 2^53 for a sliding window',
    path: ['limit'],
  })

export const consumeRequestSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        key: keySchema,
        name: nameSchema,
        rule: ruleSpecSchema,
        cost: nonNegativeAmountSchema,
      }),
    )
    .min(1)
    .max(MAX_CONSUME_ITEMS)
    // Two items on one (key, name) would read the same state and race each other's write;
    // stores would disagree on the outcome, so such a request is refused everywhere.
    .refine((items) => new Set(items.map((i) => JSON.stringify([i.key, i.name]))).size === items.length, {
      message: 'each (key, name) pair may appear only once',
    }),
  dryRun: z.boolean().optional(),
})

/** A limiter store's `reset(key, names)`: any rule names (stale ones too), at most 100 of them. */
export const limiterResetSchema = z.strictObject({ key: keySchema, names: z.array(nameSchema).max(100) })

/** Validates a limiter store's `reset` arguments, the same way in every store. */
export function parseLimiterReset(key: unknown, names: unknown): { key: string; names: string[] } {
  return parse(limiterResetSchema, { key, names }, 'limiter reset')
}

export const usageEventInputSchema = z.strictObject({
  account: accountSchema,
  userId: textSchema(0, MAX_ID_LENGTH).nullable().optional(),
  feature: nameSchema,
  amount: nonNegativeAmountSchema,
  shortfall: nonNegativeAmountSchema.optional(),
  model: textSchema(0, MAX_ID_LENGTH).nullable().optional(),
  inputTokens: nonNegativeAmountSchema.optional(),
  cachedInputTokens: nonNegativeAmountSchema.optional(),
  outputTokens: nonNegativeAmountSchema.optional(),
  quantity: nonNegativeAmountSchema.optional(),
  status: z.enum(USAGE_STATUSES),
  latencyMs: nonNegativeAmountSchema.nullable().optional(),
  metadata: metadataSchema.nullable().optional(),
  at: instantSchema.optional(),
})

export const usageStatsQuerySchema = z
  .strictObject({
    from: instantSchema,
    to: instantSchema,
    bucket: z.enum(['hour', 'day']),
    by: z.literal('feature').optional(),
  })
  .refine((q) => toEpoch(q.from) < toEpoch(q.to), { message: 'from must be before to', path: ['from'] })
  .refine((q) => toEpoch(q.to) - toEpoch(q.from) <= 400 * 86_400_000, {
    message: 'range is at most 400 days',
    path: ['to'],
  })

export const usageListQuerySchema = z.strictObject({
  account: accountSchema,
  from: instantSchema,
  to: instantSchema,
  cursor: textSchema(0, 200).nullable().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
})

export const roleSchema = z.enum(['admin', 'user'])

export const userProfileInputSchema = z.strictObject({
  id: accountSchema,
  email: textSchema(0, 320).nullable().optional(),
  name: textSchema(0, 200).nullable().optional(),
  image: textSchema(0, 2000).nullable().optional(),
  role: roleSchema.optional(),
  plan: textSchema(0, 100).nullable().optional(),
})

export const loginInputSchema = z.strictObject({
  userId: accountSchema,
  provider: textSchema(1, 100),
  ip: textSchema(0, 100).nullable().optional(),
  userAgent: textSchema(0, 1000).nullable().optional(),
  at: instantSchema.optional(),
})

export const userListQuerySchema = z.strictObject({
  search: textSchema(0, 200).nullable().optional(),
  // A keyset cursor carries the last user's id (up to 200 characters) plus its createdAt.
  cursor: textSchema(0, 1000).nullable().optional(),
  limit: z.number().int().min(1).max(200).optional(),
})

export const pageOptionsSchema = z.strictObject({
  cursor: textSchema(0, 200).nullable().optional(),
  limit: z.number().int().min(1).max(200).optional(),
})

export function toEpoch(instant: number | Date): number {
  return typeof instant === 'number' ? instant : instant.getTime()
}

/** Validates `input` against `schema`; throws `ValidationError` listing every bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what?: string): z.output<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    what,
  )
}
