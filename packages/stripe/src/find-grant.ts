import type { Entry, Ledger } from '@metered/core'
import { GRANT_META_SESSION } from './keys.js'

/**
 * The newest grant entry whose metadata has `key: value` (a Checkout Session's id, a
 * subscription's id), found in the account's grant history.
 *
 * Why a history scan: the Ledger port has no read of a grant by idempotency key, and the only
 * call that takes the key (`grant`) would grant. The success page looks right after a purchase,
 * so the grant is among the newest; the scan stops after `maxEntries` grants.
 */
export async function findGrantBy(
  ledger: Pick<Ledger, 'history'>,
  account: string,
  key: string,
  value: string,
  maxEntries = 1000,
): Promise<Entry | null> {
  let cursor: string | null = null
  for (let seen = 0; seen < maxEntries; ) {
    const page = await ledger.history(account, { types: ['grant'], limit: 100, cursor })
    const hit = page.entries.find((e) => e.type === 'grant' && e.metadata?.[key] === value)
    if (hit) return hit
    seen += page.entries.length
    if (!page.nextCursor || page.entries.length === 0) return null
    cursor = page.nextCursor
  }
  return null
}

/** The grant entry of a Checkout Session, by the session id the webhook stored in its metadata. */
export function findSessionGrant(
  ledger: Pick<Ledger, 'history'>,
  account: string,
  sessionId: string,
  maxEntries = 1000,
): Promise<Entry | null> {
  return findGrantBy(ledger, account, GRANT_META_SESSION, sessionId, maxEntries)
}
