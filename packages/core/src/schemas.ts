import * as z from 'zod/mini'
import { toMs } from './duration.js'
import { ValidationError } from './errors.js'
import { checkMetadata, stringProblem } from './input-rules.js'
import { issueMessage } from './issue-message.js'

export { issueMessage }

/**
 * zod schemas for every public input, and `parse()` which turns zod's failure into a
 * `ValidationError` naming the fields, so bad input is refused identically everywhere and
 * nothing is written.
 *
 * Built with `zod/mini` and only when first used: each exported schema is a `z.lazy` whose
 * body runs on its first parse, and every top-level construction is marked pure. An app that
 * imports `isMeteredError`, or an edge proxy that never validates a ledger input, carries and
 * builds none of them (docs/design.md, "Light bundles").
 */

/** Longest account id, idempotency key, hold id, reason, user id or model name. */
export const MAX_ID_LENGTH = 200
/** Longest feature or limiter rule name. */
export const MAX_NAME_LENGTH = 100
/** Most items (key, rule) in one limiter store call. */
export const MAX_CONSUME_ITEMS = 32
export const USAGE_STATUSES = ['ok', 'error', 'aborted', 'refused'] as const
export const RULE_KINDS = ['fixed_window', 'sliding_window', 'token_bucket'] as const

/** A schema whose body is built on its first parse (see the module comment). */
function lazily<T extends z.core.SomeType>(build: () => T): z.ZodMiniLazy<T> {
  return z.lazy(build)
}

/**
 * A string of `min`..`max` code points that every store can keep and tell apart: well-formed
 * Unicode without NUL (docs/semantics.md, Input rules). Every string input is one of these.
 */
export function textSchema(min: number, max: number) {
  return z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.superRefine((s, ctx) => {
      const problem = stringProblem(s)
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: s })
    }),
  )
}

// The builders below make a fresh schema each call: the exported schemas wrap them once, and
// the composite schemas inline them, so a parse never goes through a nested lazy.
const id = () => textSchema(1, MAX_ID_LENGTH)
const ruleName = () => textSchema(1, MAX_NAME_LENGTH)
const amount = () =>
  z.number({ error: 'must be a number' }).check(
    z.refine((n) => Number.isSafeInteger(n), 'must be a safe integer'),
    z.refine((n) => n > 0, 'must be greater than 0'),
  )
const nonNegativeAmount = () =>
  z.number({ error: 'must be a number' }).check(
    z.refine((n) => Number.isSafeInteger(n), 'must be a safe integer'),
    z.refine((n) => n >= 0, 'must be 0 or more'),
  )
const metadata = () =>
  z.transform((v: unknown, ctx) => {
    const checked = checkMetadata(v)
    if (checked.ok) return checked.value
    ctx.issues.push({ code: 'custom', message: checked.message, path: checked.path.map(String), input: v })
    return z.NEVER
  })
const instant = () =>
  z.union([
    z.number().check(z.refine((n) => Number.isSafeInteger(n) && n >= 0, 'must be epoch milliseconds')),
    z.date().check(z.refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date')),
  ])
const duration = () =>
  z.union([
    z.number().check(z.refine((n) => Number.isSafeInteger(n) && n > 0, 'must be positive milliseconds')),
    z.string().check(z.refine((s) => isDuration(s), 'must be a duration such as "30 s"')),
  ])
/** Who is calling, for limiter rules chosen per caller: any plain object, passed on as it is. */
export const callerContext = () => z.looseObject({})
const ruleNames = () => z.array(ruleName()).check(z.minLength(1), z.maxLength(MAX_CONSUME_ITEMS))
const intBetween = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max))
const optionalText = (min: number, max: number) => z.optional(z.nullable(textSchema(min, max)))

function isDuration(s: string): boolean {
  try {
    toMs(s as never)
    return true
  } catch {
    return false
  }
}

/** An account id: clean text (well-formed Unicode, no NUL) within the id length limit. */
export const accountSchema = /* @__PURE__ */ lazily(id)
/** An idempotency or limiter key, with the rules of an account id. */
export const keySchema = /* @__PURE__ */ lazily(id)
export const reasonSchema = /* @__PURE__ */ lazily(id)
/** A feature or limiter rule name. */
export const nameSchema = /* @__PURE__ */ lazily(ruleName)
export const amountSchema = /* @__PURE__ */ lazily(amount)
export const nonNegativeAmountSchema = /* @__PURE__ */ lazily(nonNegativeAmount)
/**
 * Plain JSON metadata (see `checkMetadata`): the output is a deep copy made of the values that
 * were checked, and a refusal names the offending path (`metadata.a.0`).
 */
export const metadataSchema = /* @__PURE__ */ lazily(metadata)
/** A time: epoch milliseconds or a valid Date. */
export const instantSchema = /* @__PURE__ */ lazily(instant)
/** A duration: positive milliseconds, or a string such as `'30 s'`, `'10 m'` or `'1 d'`. */
export const durationSchema = /* @__PURE__ */ lazily(duration)

export const grantInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: id(),
    amount: amount(),
    source: id(),
    expiresAt: z.optional(z.nullable(instant())),
    priority: z.optional(intBetween(-1_000_000, 1_000_000)),
    idempotencyKey: id(),
    metadata: z.optional(metadata()),
  }),
)

export const debitInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: id(),
    amount: amount(),
    reason: id(),
    idempotencyKey: z.optional(id()),
    metadata: z.optional(metadata()),
  }),
)

export const reserveInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: id(),
    amount: amount(),
    ttl: duration(),
    reason: z.optional(id()),
    idempotencyKey: z.optional(id()),
    metadata: z.optional(metadata()),
  }),
)

/**
 * Everything `authorize` takes but the price or estimate (which its pricer or the credit unit
 * checks): one parse per call, after which the hold, the limiter request and the usage event are
 * built from its output without another check. The feature has the usage event's name rule (it
 * is also the hold's reason) and the user id the usage event's; rule names as the limiter's.
 */
export const authorizeShape = () => ({
  account: id(),
  feature: ruleName(),
  price: z.optional(z.unknown()),
  estimate: z.optional(z.unknown()),
  limitKey: z.optional(z.nullable(id())),
  limitContext: z.optional(callerContext()),
  limitRules: z.optional(ruleNames()),
  spendCaps: z.optional(z.array(ruleName()).check(z.maxLength(MAX_CONSUME_ITEMS))),
  userId: optionalText(0, MAX_ID_LENGTH),
  plan: optionalText(0, MAX_ID_LENGTH),
  idempotencyKey: z.optional(id()),
  ttl: z.optional(duration()),
  metadata: z.optional(metadata()),
})
export type AuthorizeShape = ReturnType<typeof authorizeShape>

export const authorizeInputSchema = /* @__PURE__ */ lazily(() => z.strictObject(authorizeShape()))

export const settleInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    holdId: id(),
    amount: nonNegativeAmount(),
    metadata: z.optional(metadata()),
  }),
)

export const releaseInputSchema = /* @__PURE__ */ lazily(() => z.strictObject({ holdId: id() }))

export const revokeInputSchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      account: id(),
      grantId: z.optional(id()),
      grantIdempotencyKey: z.optional(id()),
      amount: z.optional(amount()),
      reason: id(),
      idempotencyKey: z.optional(id()),
      metadata: z.optional(metadata()),
    })
    .check(
      z.refine((v) => (v.grantId === undefined) !== (v.grantIdempotencyKey === undefined), {
        message: 'give exactly one of grantId and grantIdempotencyKey',
        path: ['grantId'],
      }),
    ),
)

export const historyOptionsSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    cursor: optionalText(0, 200),
    limit: z.optional(intBetween(1, 500)),
    types: z.optional(z.array(z.enum(['grant', 'debit', 'expire', 'revoke']))),
  }),
)

const ruleSpec = () =>
  z
    .strictObject({
      kind: z.enum(RULE_KINDS),
      limit: amount(),
      windowMs: amount(),
      refillAmount: nonNegativeAmount(),
    })
    .check(
      // A bucket that never refills divides by a zero rate (reset and retryAfter become Infinity).
      z.refine((r) => r.kind !== 'token_bucket' || r.refillAmount > 0, {
        message: 'a token bucket needs refillAmount > 0',
        path: ['refillAmount'],
      }),
      // The sliding window compares limit * windowMs in integers; past 2^53 doubles (JS, Lua) lose them.
      z.refine((r) => r.kind !== 'sliding_window' || Number.isSafeInteger(r.limit * r.windowMs), {
        message: 'limit * windowMs must stay below 2^53 for a sliding window',
        path: ['limit'],
      }),
    )

export const ruleSpecSchema = /* @__PURE__ */ lazily(ruleSpec)

/** A limiter store's `consume` request: up to `MAX_CONSUME_ITEMS` items, each a key, a rule and a cost. */
export const consumeRequestSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    items: z.array(z.strictObject({ key: id(), name: ruleName(), rule: ruleSpec(), cost: nonNegativeAmount() })).check(
      z.minLength(1),
      z.maxLength(MAX_CONSUME_ITEMS),
      // Two items on one (key, name) would read the same state and race each other's write;
      // stores would disagree on the outcome, so such a request is refused everywhere.
      z.refine((items) => new Set(items.map((i) => JSON.stringify([i.key, i.name]))).size === items.length, {
        message: 'each (key, name) pair may appear only once',
      }),
    ),
    dryRun: z.optional(z.boolean()),
  }),
)

/** A limiter store's `reset(key, names)`: any rule names (stale ones too), at most 100 of them. */
export const limiterResetSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({ key: id(), names: z.array(ruleName()).check(z.maxLength(100)) }),
)

/** Validates a limiter store's `reset` arguments, the same way in every store. */
export function parseLimiterReset(key: unknown, names: unknown): { key: string; names: string[] } {
  return parse(limiterResetSchema, { key, names }, 'limiter reset')
}

export const usageEventInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: id(),
    userId: optionalText(0, MAX_ID_LENGTH),
    feature: ruleName(),
    amount: nonNegativeAmount(),
    shortfall: z.optional(nonNegativeAmount()),
    model: optionalText(0, MAX_ID_LENGTH),
    inputTokens: z.optional(nonNegativeAmount()),
    cachedInputTokens: z.optional(nonNegativeAmount()),
    outputTokens: z.optional(nonNegativeAmount()),
    quantity: z.optional(nonNegativeAmount()),
    status: z.enum(USAGE_STATUSES),
    latencyMs: z.optional(z.nullable(nonNegativeAmount())),
    metadata: z.optional(z.nullable(metadata())),
    at: z.optional(instant()),
  }),
)

export const usageStatsQuerySchema = /* @__PURE__ */ lazily(() =>
  z
    .strictObject({
      from: instant(),
      to: instant(),
      bucket: z.enum(['hour', 'day']),
      by: z.optional(z.literal('feature')),
    })
    .check(
      z.refine((q) => toEpoch(q.from) < toEpoch(q.to), { message: 'from must be before to', path: ['from'] }),
      z.refine((q) => toEpoch(q.to) - toEpoch(q.from) <= 400 * 86_400_000, {
        message: 'range is at most 400 days',
        path: ['to'],
      }),
    ),
)

/** A list query; its `account` (an id or `ALL_ACCOUNTS`) is checked apart (usage/normalize.ts). */
export const usageListQuerySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    account: z.unknown(),
    from: instant(),
    to: instant(),
    cursor: optionalText(0, 200),
    limit: z.optional(intBetween(1, 1000)),
  }),
)

export const roleSchema = /* @__PURE__ */ lazily(() => z.enum(['admin', 'user']))

export const userProfileInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    id: id(),
    email: optionalText(0, 320),
    name: optionalText(0, 200),
    image: optionalText(0, 2000),
    role: z.optional(z.enum(['admin', 'user'])),
    plan: optionalText(0, 100),
  }),
)

export const loginInputSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    userId: id(),
    provider: textSchema(1, 100),
    ip: optionalText(0, 100),
    userAgent: optionalText(0, 1000),
    at: z.optional(instant()),
  }),
)

export const userListQuerySchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    search: optionalText(0, 200),
    // A keyset cursor carries the last user's id (up to 200 characters) plus its createdAt.
    cursor: optionalText(0, 1000),
    limit: z.optional(intBetween(1, 200)),
  }),
)

export const pageOptionsSchema = /* @__PURE__ */ lazily(() =>
  z.strictObject({
    cursor: optionalText(0, 200),
    limit: z.optional(intBetween(1, 200)),
  }),
)

/** Epoch milliseconds of an `Instant`. */
export function toEpoch(instant: number | Date): number {
  return typeof instant === 'number' ? instant : instant.getTime()
}

/**
 * Validates `input` against `schema` (any zod 4 schema, mini or classic); throws
 * `ValidationError` listing every bad field.
 */
export function parse<T extends z.core.$ZodType>(schema: T, input: unknown, what?: string): z.output<T> {
  // The message map only for a parse that failed: given to every parse, it makes zod build a
  // per-call context that costs more than the parse of a whole reserve input. The schemas are
  // pure, so the second parse finds the same issues.
  const result = z.safeParse(schema, input)
  if (result.success) return result.data
  const failed = z.safeParse(schema, input, { error: issueMessage })
  const issues = failed.success ? result.error.issues : failed.error.issues
  throw new ValidationError(
    issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    what,
  )
}
