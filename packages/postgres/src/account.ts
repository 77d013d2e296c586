import { accountSchema, ValidationError } from '@metered/core'

/** Validates the account argument of reads (`balance`, `history`, `verify`); issues name `account`. */
export function validAccount(account: string): string {
  const result = accountSchema.safeParse(account)
  if (result.success) return result.data
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: 'account', message: issue.message })),
    'account',
  )
}
