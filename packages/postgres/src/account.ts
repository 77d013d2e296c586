import { accountSchema, parse, ValidationError } from '@metered/core'

/** Validates the account argument of reads (`balance`, `history`, `verify`); issues name `account`. */
export function validAccount(account: string): string {
  try {
    return parse(accountSchema, account, 'account')
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    throw new ValidationError(
      error.issues.map((issue) => ({ path: 'account', message: issue.message })),
      'account',
    )
  }
}
