/**
 * Version 7: idempotency keys are scoped per account (docs/semantics.md). The same key used by
 * two accounts names two calls, so the key table's primary key becomes (account, key), and
 * revoke takes the account it acts in. Then (see index.ts) every function is re-created.
 *
 * Existing records keep working: each gets the account it was used by, read from its
 * fingerprint (grant, debit and reserve fingerprints name the account first) or, for a revoke,
 * from its stored result. The old revoke and _remember signatures are dropped.
 */
export const keysPerAccount = (s: string): string[] => [
  `ALTER TABLE ${s}.idempotency ADD COLUMN account text`,
  `UPDATE ${s}.idempotency SET account = CASE
      WHEN fingerprint LIKE 'revoke|%' THEN result->>'account'
      ELSE (substr(fingerprint, strpos(fingerprint, '|') + 1)::jsonb)->>0
    END`,
  `ALTER TABLE ${s}.idempotency ALTER COLUMN account SET NOT NULL`,
  `ALTER TABLE ${s}.idempotency DROP CONSTRAINT idempotency_pkey`,
  `ALTER TABLE ${s}.idempotency ADD PRIMARY KEY (account, key)`,
  // revoke by grant key looks the grant up within its account
  `DROP INDEX ${s}.grants_key_idx`,
  `CREATE INDEX grants_account_key_idx ON ${s}.grants (account, idempotency_key)`,
  `DROP FUNCTION IF EXISTS ${s}.revoke(text, text, bigint, text, text, text, jsonb, bigint)`,
  `DROP FUNCTION IF EXISTS ${s}._remember(text, text, jsonb, timestamptz)`,
]
