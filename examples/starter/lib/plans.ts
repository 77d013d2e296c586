import 'server-only'
import { ledger } from './stores'

/** How far back a plan grant still names the current plan: one monthly period and a day of grace. */
const PERIOD_MS = 32 * 24 * 3600 * 1000

/** The account's newest plan grants (source `plan`), newest first. */
async function planGrants(account: string) {
  const page = await ledger.history(account, { types: ['grant'], limit: 100 })
  return page.entries.filter((e) => e.reason === 'plan')
}

/**
 * The plan the account is on: the plan of its newest monthly grant, if that grant is of the
 * current period. Every paid invoice grants, so a cancelled plan stops showing a period after
 * its last payment (the app keeps no subscription table of its own).
 */
export async function currentPlanId(account: string): Promise<string | null> {
  const newest = (await planGrants(account))[0]
  if (!newest || newest.createdAt < Date.now() - PERIOD_MS) return null
  const planId = newest.metadata?.planId
  return typeof planId === 'string' ? planId : null
}
