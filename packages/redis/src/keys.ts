import { ValidationError } from '@metered/core'

/**
 * Key layout. Everything of one account lives under one hash tag, `{a:<account>}`, so a ledger
 * script touches one cluster slot; every rule state of one limiter key shares the tag
 * `{<key>}`. Inside a tag, `%`, `{` and `}` are percent-encoded: a tag can then never end early,
 * and no two accounts (or keys) can produce the same key names.
 *
 * ```
 * <prefix>rl:{<key>}:<rule name>     limiter rule state (string, PX = until it stops mattering)
 * <prefix>{a:<account>}:m            account row: seq, available, held, trimmed entries' sum
 * <prefix>{a:<account>}:g            grants (hash: id -> JSON record)
 * <prefix>{a:<account>}:gs           spending order (zset of live grants with units left)
 * <prefix>{a:<account>}:h            holds (hash: id -> JSON record)
 * <prefix>{a:<account>}:ho           open holds by expiry (zset)
 * <prefix>{a:<account>}:hc           closed holds by closing seq (zset, trimmed)
 * <prefix>{a:<account>}:e            entries by seq (zset of JSON, trimmed)
 * <prefix>i:<idempotency key>        idempotency record (hash: fingerprint, result)
 * ```
 */

/** Percent-encodes the characters that would break a hash tag. */
export function encodeTagPart(value: string): string {
  return value.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

export function decodeTagPart(value: string): string {
  return value.replace(/%(25|7B|7D)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

/** The default key prefix. @default 'metered:' */
export const DEFAULT_PREFIX = 'metered:'

export function checkPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) {
    throw new ValidationError([{ path: 'prefix', message: 'must not contain { or } (it would become the hash tag)' }])
  }
  return prefix
}

export function limiterKey(prefix: string, key: string, name: string): string {
  return `${prefix}rl:{${encodeTagPart(key)}}:${name}`
}

/** The seven keys of an account, in the order every ledger script expects them as KEYS[1..7]. */
export function accountKeys(prefix: string, account: string): string[] {
  const base = `${prefix}{a:${encodeTagPart(account)}}:`
  return ['m', 'g', 'gs', 'h', 'ho', 'hc', 'e'].map((suffix) => base + suffix)
}

export function idempotencyKey(prefix: string, key: string): string {
  return `${prefix}i:${key}`
}

/**
 * Grant and hold ids are `g<seq>:<encoded account>` / `h<seq>:<encoded account>`: the account
 * (and so the hash tag) is read from the id itself, which keeps settle, release and revoke-by-id
 * at one round trip without a global index.
 */
export function accountOfId(id: string, kind: 'g' | 'h'): string | null {
  const match = /^([gh])[1-9]\d{0,15}:(.+)$/s.exec(id)
  if (!match || match[1] !== kind) return null
  return decodeTagPart(match[2]!)
}
