import { ValidationError } from '@metered/core'

/**
 * The schema name is spliced into SQL (identifiers cannot be bound parameters), so only plain
 * lower-case identifiers are accepted, and they are quoted anyway.
 */
export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ValidationError(
      [{ path: 'schema', message: 'must be a lower-case identifier: a-z, 0-9 and _, at most 63 characters' }],
      'options',
    )
  }
  return `"${schema}"`
}

/** @default 'metered' */
export const DEFAULT_SCHEMA = 'metered'
