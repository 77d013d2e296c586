import * as z from 'zod/mini'
import { type AuthorizeShape, authorizeInputSchema, authorizeShape, parse } from './schemas.js'

/** Most field sets one parser keeps a schema for; other sets get a schema made for the call. */
const MAX_FIELD_SETS = 128

type AuthorizeOutput = z.output<typeof authorizeInputSchema>

/**
 * `parse(authorizeInputSchema, input)`, with zod shown only the fields the input has: an object
 * check visits every field of its shape, absent ones too, and authorize runs on every metered
 * call with a few of its thirteen fields. The parser keeps one strict schema per set of fields
 * present, made on first use (apps call with a handful of sets), so each `createMetered` makes
 * its own and instances share nothing. Anything else (a field the shape does not have, a
 * required one missing, not a plain object) goes to the whole schema, which refuses it in full.
 */
export function createAuthorizeInputParser(): (input: unknown) => AuthorizeOutput {
  // One bit per field of the authorize input; account and feature are required.
  let fields: { bits: Map<string, number>; required: number } | undefined
  const bySet = new Map<number, z.ZodMiniObject>()

  // named, so a profile shows the parse under its own name
  return function parseAuthorizeInput(input) {
    if (typeof input === 'object' && input !== null && Object.getPrototypeOf(input) === Object.prototype) {
      fields ??= fieldBits()
      const { bits, required } = fields
      let set = 0
      for (const key in input) {
        const bit = bits.get(key)
        if (bit === undefined) {
          set = -1
          break
        }
        set |= bit
      }
      if (set !== -1 && (set & required) === required) {
        let schema = bySet.get(set)
        if (!schema) {
          const picked = Object.fromEntries(
            Object.entries(authorizeShape()).filter(([key]) => (set & bits.get(key)!) !== 0),
          )
          schema = z.strictObject(picked)
          if (bySet.size < MAX_FIELD_SETS) bySet.set(set, schema)
        }
        return parse(schema, input, 'authorize') as z.output<z.ZodMiniObject<AuthorizeShape, z.core.$strict>>
      }
    }
    return parse(authorizeInputSchema, input, 'authorize')
  }
}

function fieldBits(): { bits: Map<string, number>; required: number } {
  const bits = new Map<string, number>()
  for (const [i, key] of Object.keys(authorizeShape()).entries()) bits.set(key, 1 << i)
  return { bits, required: bits.get('account')! | bits.get('feature')! }
}
