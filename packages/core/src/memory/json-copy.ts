import { ValidationError } from '../errors.js'
import type { Metadata } from '../ledger/types.js'

/**
 * Metadata as a store would keep it: a JSON copy, so the ledger never shares an object with its
 * callers (a later mutation on either side does not leak) and values round-trip the way they do
 * through Postgres `jsonb` or a Redis string (a Date comes back as its ISO string).
 */
export function jsonCopy(metadata: Metadata | null, field = 'metadata'): Metadata | null {
  if (metadata === null) return null
  try {
    return JSON.parse(JSON.stringify(metadata)) as Metadata
  } catch {
    throw new ValidationError([{ path: field, message: 'must be JSON-serialisable' }])
  }
}
