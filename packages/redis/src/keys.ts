import { ValidationError } from '@metered/core'

/**
 * Key layout. Everything of one account lives under one hash tag, `{<account>}`, so a ledger
 * script touches one cluster slot; every rule state of one limiter key shares the tag
 * `{<key>}`. Limiting by the account (createMetered's default `limitKey`) thus puts the rule
 * states in the account's slot too, which the one-step authorize needs on a cluster. Ledger keys
 * start with the tag and limiter keys with `rl:`, so the two never name the same key. Inside a tag, `%`, `{` and `}` are percent-encoded: a tag can then never end early,
 * and no two accounts (or keys) can produce the same key names.
 *
 * ```
 * <prefix>rl:{<key>}:<rule name>     limiter rule state (string, PX = until it stops mattering)
 * <prefix>{<account>}:m              account row: seq, available, held, trimmed entries' sum
 * <prefix>{<account>}:g              grants (hash: id -> JSON record)
 * <prefix>{<account>}:gs             spending order (zset of live grants with units left)
 * <prefix>{<account>}:h              holds (hash: id -> JSON record)
 * <prefix>{<account>}:ho             open holds by expiry (zset)
 * <prefix>{<account>}:hc             closed holds by closing seq (zset, trimmed)
 * <prefix>{<account>}:e              entries by seq (zset of JSON, trimmed)
 * <prefix>{<account>}:i:<key>        idempotency record of the account's key (hash: fingerprint, result)
 * ```
 *
 * Idempotency keys are scoped per account (docs/semantics.md), so their records live under the
 * account's tag too: every key of one ledger call, keyed or not, is in one cluster slot.
 */

/** Percent-encodes the characters that would break a hash tag. */
export function encodeTagPart(value: string): string {
  // most ids have none of the three: testing first spares the replace on every call
  return /[%{}]/.test(value) ? value.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : value
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
  const base = `${prefix}{${encodeTagPart(account)}}:`
  return ['m', 'g', 'gs', 'h', 'ho', 'hc', 'e'].map((suffix) => base + suffix)
}

/** The record of `account`'s idempotency key `key`: under the account's hash tag. */
export function idempotencyKey(prefix: string, account: string, key: string): string {
  return `${prefix}{${encodeTagPart(account)}}:i:${key}`
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
