/**
 * The type of `ALL_ACCOUNTS`: a symbol with a brand, structural rather than a `unique symbol`,
 * so the copies of this declaration in each bundled entry's types stay one type.
 */
export type AllAccounts = symbol & { readonly 'metered.allAccounts': true }

/**
 * "Every account" in a usage query: `usage.stats(ALL_ACCOUNTS, …)`, `usage.list({ account:
 * ALL_ACCOUNTS, … })`, `exportUsage(usage, { account: ALL_ACCOUNTS, … })`. A symbol, not a
 * string, so no account id can mean it: an account named `'all'` is one account like any other.
 * `Symbol.for`, so two copies of `@metered/core` in one process (ESM and CJS) agree.
 */
export const ALL_ACCOUNTS: AllAccounts = Symbol.for('metered.allAccounts') as AllAccounts
