import { MAX_ID_LENGTH, textSchema } from '@metered/core'
import type { ProblemIssue } from '@metered/core/http'
import { type StandardSchemaLike, validate } from './schema.js'

// Built on first use: an app that never meters a call does not build it.
let idSchema: StandardSchemaLike<string> | undefined

/**
 * Issues of what the app's identify returned, by core's rule for ids (what every store applies to
 * an account or a user id), or null when the caller is fine. The account is checked, and the user
 * id when it is not the account. Run before the limiter or the ledger is touched, so a hostile
 * identity is refused the same way by every wrapper and moves nothing.
 */
export async function callerIdentityIssues(userId: string, account: string): Promise<ProblemIssue[] | null> {
  idSchema ??= textSchema(1, MAX_ID_LENGTH) as StandardSchemaLike<string>
  const fields: Array<[string, unknown]> = [['account', account]]
  if (userId !== account) fields.push(['userId', userId])
  const issues: ProblemIssue[] = []
  for (const [path, value] of fields) {
    const checked = await validate(idSchema, value)
    if (!checked.ok) for (const issue of checked.issues) issues.push({ path, message: issue.message })
  }
  return issues.length > 0 ? issues : null
}
