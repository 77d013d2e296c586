/**
 * Where automatic top-up keeps, per account, its settings and the claim that makes a charge happen
 * once per crossing. Every method is one round trip that decides in the store (a conditional
 * UPDATE, a Lua script, a synchronous section): concurrent requests that all see the balance below
 * the threshold race on `claim`, and exactly one wins.
 *
 * Stores: `createMemoryTopUpStore`, `createPostgresTopUpStore`, `createRedisTopUpStore`. A custom
 * store must keep the same rules (see `claimRule` in memory-top-up-store.ts, the reference).
 */
export interface AutoTopUpStore {
  /** The account's settings and claim state, or null when it never configured auto top-up. */
  get(account: string): Promise<AutoTopUpRecord | null>
  /**
   * Saves the settings (creating the record). Enabling clears a pause, so a user who fixed their
   * card turns auto top-up back on with the same switch. The claim state is kept.
   */
  configure(account: string, settings: AutoTopUpSettingsRecord): Promise<AutoTopUpRecord>
  /**
   * Claims the next top-up of the account, or answers null. It wins only when the setting is
   * enabled and not paused, `available` is below the threshold, and either no claim is open and
   * fewer than `maxPerPeriod` were claimed in the period starting at `periodStart` (a new claim:
   * `seq` + 1, counted), or the open claim was opened before `staleBefore` (retaken with the same
   * `seq`, not counted again, so the charge retried under the same Stripe idempotency key).
   */
  claim(account: string, request: TopUpClaimRequest): Promise<TopUpClaim | null>
  /**
   * Closes the open claim if it is `seq` (else nothing, answering false): a late or repeated
   * webhook of an older top-up changes nothing. With `pause`, the setting is paused with that reason.
   */
  close(account: string, seq: number, pause: TopUpPauseReason | null): Promise<boolean>
}

/** Why auto top-up stopped itself; the user re-enables it (`configure` with `enabled: true`). */
export type TopUpPauseReason = 'card_declined' | 'authentication_required' | 'no_payment_method' | 'unknown_pack'

/** An account's top-up settings as the store keeps them. */
export interface AutoTopUpSettingsRecord {
  enabled: boolean
  /** Below this many available ledger units, a top-up is charged. */
  thresholdUnits: number
  /** The pack of the server catalog that is bought. */
  packId: string
}

/** An account's settings plus the state of its claims (the open one, the count this period). */
export interface AutoTopUpRecord extends AutoTopUpSettingsRecord {
  paused: TopUpPauseReason | null
  /** Start (epoch ms) of the period `periodCount` counts claims in. */
  periodStart: number
  periodCount: number
  /** The last claim's number; the Stripe idempotency key of its charge is made from it. */
  seq: number
  /** The open claim, waiting for its payment's webhook, or null. */
  openSeq: number | null
  openedAt: number | null
  /** The pack the open claim charges (kept so that a retaken claim charges the same). */
  openPackId: string | null
}

/** What a claim asks the store: the account, the balance seen, and the period's cap. */
export interface TopUpClaimRequest {
  available: number
  now: number
  periodStart: number
  maxPerPeriod: number
  staleBefore: number
}

/** A claim the store granted: the one charge to make for this crossing. */
export interface TopUpClaim {
  seq: number
  packId: string
}
