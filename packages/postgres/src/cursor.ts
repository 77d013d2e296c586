import { ValidationError } from '@metered/core'

/**
 * Keyset cursors. They are opaque to callers; inside they hold the sort key of the last row of
 * the page: an entry id (`"e_123"`) or a time and an id (`"1767225600000.123"`). A malformed
 * cursor is bad input, refused before any SQL.
 */
const ENTRY = /^e_([1-9][0-9]{0,17})$/
const PAIR = /^(-?[0-9]{1,16})\.([1-9][0-9]{0,17})$/

function bad(): ValidationError {
  return new ValidationError([{ path: 'cursor', message: 'is not a cursor this store returned' }], 'cursor')
}

/** History cursors are the id of the last entry seen; returns its number. */
export function decodeEntryCursor(cursor: string | null | undefined): string | null {
  if (cursor == null) return null
  const m = ENTRY.exec(cursor)
  if (!m) throw bad()
  return m[1] as string
}

export function decodePairCursor(cursor: string | null | undefined): { at: number; id: string } | null {
  if (cursor == null) return null
  const m = PAIR.exec(cursor)
  if (!m) throw bad()
  return { at: Number(m[1]), id: m[2] as string }
}

export const encodePairCursor = (at: number, id: string): string => `${at}.${id}`
