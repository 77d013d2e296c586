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
  /** `Ledger.grant` on validated input; replays or refuses by `fingerprint` for a known key. */
  grant(input: NormalizedGrant, fingerprint: string): Promise<GrantResult>
  /** `Ledger.debit` on validated input. */
  debit(input: NormalizedDebit, fingerprint: string | null): Promise<DebitResult>
  /** `Ledger.reserve` on validated input. */
  reserve(input: NormalizedReserve, fingerprint: string | null): Promise<ReserveResult>
  /** `Ledger.settle` on validated input. */
  settle(input: NormalizedSettle): Promise<SettleResult>
  /** `Ledger.release`. */
  release(input: ReleaseInput): Promise<ReleaseResult>
  /** `Ledger.revoke` on validated input. */
  revoke(input: NormalizedRevoke, fingerprint: string | null): Promise<RevokeResult>
  /** `Ledger.balance`. */
  balance(account: string): Promise<Balance>
  /** `Ledger.history` with the paging options defaulted. */
  history(account: string, options: NormalizedHistory): Promise<HistoryPage>
  /** `Ledger.verify`. */
  verify(account: string): Promise<VerifyResult>
}
