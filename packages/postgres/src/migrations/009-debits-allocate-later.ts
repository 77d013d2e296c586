/**
 * Version 9: a debit writes two rows, the account and its entry. The units it takes are counted
 * in `accounts.unallocated` until the next operation that locks the account for anything else
 * takes them from the grants in spending order (`_allocate`); `available` stays the spendable
 * balance throughout, so `available = Σ live remainders - unallocated`. Then (see index.ts)
 * every function is re-created. Existing accounts start with nothing unallocated.
 */
export const allocateLater = (s: string): string[] => [
  `ALTER TABLE ${s}.accounts ADD COLUMN unallocated bigint NOT NULL DEFAULT 0 CHECK (unallocated >= 0)`,
]
