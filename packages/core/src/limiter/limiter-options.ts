import { z } from 'zod'
import {
  durationSchema,
  MAX_CONSUME_ITEMS,
  nameSchema,
  nonNegativeAmountSchema,
  ruleSpecSchema,
  textSchema,
} from '../schemas.js'
import type { Rules } from './limiter-types.js'
import type { LimiterStore } from './types.js'

/** Validation of `createLimiter`'s options and of each call's options. */

const storeSchema = z.custom<LimiterStore>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LimiterStore).consume === 'function' &&
    typeof (v as LimiterStore).reset === 'function',
  'must be a limiter store (with consume and reset)',
)

export const ruleNameSchema = nameSchema

/** At most 32 rules: a store call takes at most 32 items. */
export const rulesSchema = z
  .record(ruleNameSchema, ruleSpecSchema)
  .refine((rules) => Object.keys(rules).length >= 1, 'give at least one rule')
  .refine((rules) => Object.keys(rules).length <= MAX_CONSUME_ITEMS, `at most ${MAX_CONSUME_ITEMS} rules`)

export const limiterOptionsSchema = z.strictObject({
  store: storeSchema,
  rules: z.union([z.custom<(ctx: never) => Rules>((v) => typeof v === 'function'), rulesSchema]),
  onStoreError: z.union([z.literal('deny'), z.literal('allow'), z.strictObject({ fallback: storeSchema })]).optional(),
  timeout: durationSchema.optional(),
  prefix: textSchema(0, 100).optional(),
  onError: z.custom<(error: unknown) => void>((v) => typeof v === 'function').optional(),
})

export const limitOptionsSchema = z.strictObject({
  cost: z.union([nonNegativeAmountSchema, z.record(ruleNameSchema, nonNegativeAmountSchema)]).optional(),
  rules: z.array(ruleNameSchema).min(1).max(MAX_CONSUME_ITEMS).optional(),
  ctx: z.record(z.string(), z.unknown()).optional(),
})

export const resetOptionsSchema = z.strictObject({
  rules: z.array(ruleNameSchema).min(1).max(MAX_CONSUME_ITEMS).optional(),
  ctx: z.record(z.string(), z.unknown()).optional(),
})
