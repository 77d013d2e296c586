import * as v from 'valibot'
import * as classic from 'zod'
import * as mini from 'zod/mini'

/**
 * One input (core's debit: account, amount, reason, optional key and metadata) written in each
 * library, with the same rules: strings 1..200 without NUL, a positive safe integer, no unknown
 * keys. The metadata check is left out: it is our own code whichever library calls it.
 */
const clean = (s: string) => !s.includes('\0')

export const zodMini = () =>
  mini.strictObject({
    account: mini.string().check(mini.minLength(1), mini.maxLength(200), mini.refine(clean)),
    amount: mini.number().check(mini.refine((n) => Number.isSafeInteger(n) && n > 0)),
    reason: mini.string().check(mini.minLength(1), mini.maxLength(200), mini.refine(clean)),
    idempotencyKey: mini.optional(mini.string().check(mini.minLength(1), mini.maxLength(200), mini.refine(clean))),
  })

export const zodClassic = () =>
  classic.strictObject({
    account: classic.string().min(1).max(200).refine(clean),
    amount: classic.number().refine((n) => Number.isSafeInteger(n) && n > 0),
    reason: classic.string().min(1).max(200).refine(clean),
    idempotencyKey: classic.string().min(1).max(200).refine(clean).optional(),
  })

export const valibot = () =>
  v.strictObject({
    account: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.check(clean)),
    amount: v.pipe(
      v.number(),
      v.check((n) => Number.isSafeInteger(n) && n > 0),
    ),
    reason: v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.check(clean)),
    idempotencyKey: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.check(clean))),
  })
