import * as z from 'zod/mini'
import {
  callerContext,
  durationSchema,
  MAX_CONSUME_ITEMS,
  nameSchema,
  nonNegativeAmountSchema,
  ruleSpecSchema,
  textSchema,
} from '../schemas.js'
import type { Rules } from './limiter-types.js'
import type { LimiterStore } from './types.js'

/**
 * Validation of `createLimiter`'s options and of each call's options, built on first use like
 * the schemas of schemas.ts.
 */

const store = () =>
  z.custom<LimiterStore>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as LimiterStore).consume === 'function' &&
      typeof (v as LimiterStore).reset === 'function',
    'must be a limiter store (with consume and reset)',
  )
const ruleNames = () => z.optional(z.array(nameSchema).check(z.minLength(1), z.maxLength(MAX_CONSUME_ITEMS)))

export const ruleNameSchema = nameSchema

const rules = () =>
  z.record(nameSchema, ruleSpecSchema).check(
    z.refine((rules) => Object.keys(rules).length >= 1, 'give at least one rule'),
    z.refine((rules) => Object.keys(rules).length <= MAX_CONSUME_ITEMS, `at most ${MAX_CONSUME_ITEMS} rules`),
  )

/** At most 32 rules: a store call takes at most 32 items. */
export const rulesSchema = /* @__PURE__ */ z.lazy(rules)

export const limiterOptionsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    store: store(),
    rules: z.union([z.custom<(ctx: never) => Rules>((v) => typeof v === 'function'), rules()]),
    onStoreError: z.optional(z.union([z.literal('deny'), z.literal('allow'), z.strictObject({ fallback: store() })])),
    timeout: z.optional(durationSchema),
    prefix: z.optional(textSchema(0, 100)),
    onError: z.optional(z.custom<(error: unknown) => void>((v) => typeof v === 'function')),
  }),
)

export const limitOptionsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    cost: z.optional(z.union([nonNegativeAmountSchema, z.record(nameSchema, nonNegativeAmountSchema)])),
    rules: ruleNames(),
    ctx: z.optional(callerContext()),
  }),
)

export const resetOptionsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({ rules: ruleNames(), ctx: z.optional(callerContext()) }),
)
