/**
 * Version 6: a released hold frees its idempotency key (docs/semantics.md). A hold remembers the
 * key it was placed with, so `release` deletes the key's record in the same call that closes the
 * hold. Then (see index.ts) every function is re-created.
 *
 * Holds placed before this version have no key recorded: the open ones get theirs from the
 * records that name them, and the records of holds already released are deleted, so the rule
 * holds for every hold, old or new. Both statements scan the idempotency table once; they run
 * inside migrate()'s transaction, like the rest of the upgrade.
 */
export const releaseFreesKey = (s: string): string[] => [
  `ALTER TABLE ${s}.holds ADD COLUMN idempotency_key text`,
  `UPDATE ${s}.holds h SET idempotency_key = i.key FROM ${s}.idempotency i
    WHERE h.status = 'open' AND i.result->'hold'->>'id' = 'h_' || h.id`,
  `DELETE FROM ${s}.idempotency i USING ${s}.holds h
    WHERE h.status = 'released' AND i.result->'hold'->>'id' = 'h_' || h.id`,
]
