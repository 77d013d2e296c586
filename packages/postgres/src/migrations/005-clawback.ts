/**
 * Version 5: the clawback of held units, the balance bound, and authorize replaying its key
 * first (docs/semantics.md). The grants' new column and its check, the one function whose
 * signature changed dropped in its old form, then (see index.ts) every function re-created.
 *
 * The column has a constant default, so adding it rewrites nothing; the check is added NOT VALID
 * so that it holds every write from now on without scanning existing grants under the table lock
 * (they all hold the default 0).
 */
export const clawback = (s: string): string[] => [
  `ALTER TABLE ${s}.grants ADD COLUMN clawback bigint NOT NULL DEFAULT 0`,
  `ALTER TABLE ${s}.grants ADD CONSTRAINT grants_clawback_check CHECK (clawback >= 0) NOT VALID`,
  `DROP FUNCTION IF EXISTS ${s}._give_back(bigint[], bigint[], bigint, timestamptz)`,
]
