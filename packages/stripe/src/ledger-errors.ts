// Matched by `code`, not `instanceof`: the ledger may come from another copy of @metered/core
// (an adapter bundled against a different build), and codes are the stable contract.
export function isIdempotencyConflict(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'idempotency_conflict'
}
