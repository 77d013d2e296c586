import { ValidationError } from '../errors.js'

/**
 * A keyset position: the sort time and the row id of the last row a page returned. The next page
 * starts strictly after it, so rows written meanwhile never shift or repeat a page (unlike OFFSET).
 */
export interface KeysetPosition {
  /** Epoch ms of the row's sort time (`at` or `createdAt`). */
  at: number
  id: string
}

/**
 * Encodes a keyset position as an opaque string. Callers must not parse it; adapters may use
 * their own format, this is the one the memory stores use and SQL adapters may share.
 */
export function encodeKeysetCursor(position: KeysetPosition): string {
  return `${position.at.toString(36)}.${position.id}`
}

/** Decodes `encodeKeysetCursor`'s output; anything else is a `ValidationError` (bad input, not a crash). */
export function decodeKeysetCursor(cursor: string): KeysetPosition {
  const dot = cursor.indexOf('.')
  const head = dot > 0 ? cursor.slice(0, dot) : ''
  const at = /^[0-9a-z]+$/.test(head) ? Number.parseInt(head, 36) : Number.NaN
  if (!Number.isSafeInteger(at) || dot === cursor.length - 1) {
    throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this store returned' }])
  }
  return { at, id: cursor.slice(dot + 1) }
}
