import type {
  NormalizedDebit,
  NormalizedGrant,
  NormalizedHistory,
  NormalizedReserve,
  NormalizedRevoke,
  NormalizedSettle,
} from './normalized.js'
import type {
  Balance,
  DebitResult,
  GrantResult,
  HistoryPage,
  ReleaseInput,
  ReleaseResult,
  ReserveResult,
  RevokeResult,
  SettleResult,
  VerifyResult,
} from './types.js'

/**
 * A ledger store as `ledgerFrom` drives it: every input has been validated, defaulted and
 * copied (metadata is a fresh plain-JSON object), and keyed calls come with their idempotency
 * fingerprint (null when the call has no key). A driver does only state, SQL or Lua; it never
 * sees input the schemas refuse. docs/semantics.md says what each method must do.
 */
export interface LedgerDriver {
  grant(input: NormalizedGrant, fingerprint: string): Promise<GrantResult>
  debit(input: NormalizedDebit, fingerprint: string | null): Promise<DebitResult>
  reserve(input: NormalizedReserve, fingerprint: string | null): Promise<ReserveResult>
  settle(input: NormalizedSettle): Promise<SettleResult>
  release(input: ReleaseInput): Promise<ReleaseResult>
  revoke(input: NormalizedRevoke, fingerprint: string | null): Promise<RevokeResult>
  balance(account: string): Promise<Balance>
  history(account: string, options: NormalizedHistory): Promise<HistoryPage>
  verify(account: string): Promise<VerifyResult>
}
