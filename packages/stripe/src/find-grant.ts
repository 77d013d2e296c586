import type { Entry, Ledger } from '@metered/core'
import { GRANT_META_SESSION } from './keys.js'

/**
 * The grant entry of a Checkout Session, found in the account's grant history by the session id
 * the webhook stored in its metadata.
 *
 * Why a history scan: the Ledger port has no read of a grant by idempotency key, and the only
 * call that takes the key (`grant`) would grant. The success page looks right after a purchase,
 * so the grant is among the newest; the scan stops after `maxEntries` grants.
 */
export async function findSessionGrant(
  ledger: Pick<Ledger, 'history'>,
  account: string,
  sessionId: string,
  maxEntries = 1000,
): Promise<Entry | null> {
  let cursor: string | null = null
  for (let seen = 0; seen < maxEntries; ) {
    const page = await ledger.history(account, { types: ['grant'], limit: 100, cursor })
    const hit = page.entries.find((e) => e.type === 'grant' && e.metadata?.[GRANT_META_SESSION] === sessionId)
    if (hit) return hit
    seen += page.entries.length
    if (!page.nextCursor || page.entries.length === 0) return null
    cursor = page.nextCursor
  }
  return null
}
