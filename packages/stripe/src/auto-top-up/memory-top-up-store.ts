import type {
  AutoTopUpRecord,
  AutoTopUpSettingsRecord,
  AutoTopUpStore,
  TopUpClaim,
  TopUpClaimRequest,
  TopUpPauseReason,
} from './store.js'

/**
 * Auto top-up state in this process's memory: for tests and single-process apps. Each method
 * reads and writes without an `await` in between, which is what makes a claim atomic here.
 */
export function createMemoryTopUpStore(): AutoTopUpStore {
  const records = new Map<string, AutoTopUpRecord>()
  const copy = (r: AutoTopUpRecord | undefined) => (r ? { ...r } : null)
  return {
    get: async (account) => copy(records.get(account)),
    async configure(account, settings) {
      const record = configureRecord(records.get(account) ?? null, settings)
      records.set(account, record)
      return { ...record }
    },
    async claim(account, request) {
      const record = records.get(account)
      return record ? claimRule(record, request) : null
    },
    async close(account, seq, pause) {
      const record = records.get(account)
      return record ? closeRule(record, seq, pause) : false
    },
  }
}

function configureRecord(previous: AutoTopUpRecord | null, settings: AutoTopUpSettingsRecord): AutoTopUpRecord {
  const base = previous ?? {
    paused: null,
    periodStart: 0,
    periodCount: 0,
    seq: 0,
    openSeq: null,
    openedAt: null,
    openPackId: null,
  }
  return { ...base, ...settings, paused: settings.enabled ? null : base.paused }
}

/** The claim rule every store implements (see `AutoTopUpStore.claim`); mutates `r` when it wins. */
export function claimRule(r: AutoTopUpRecord, q: TopUpClaimRequest): TopUpClaim | null {
  if (!r.enabled || r.paused !== null || q.available >= r.thresholdUnits) return null
  if (r.openSeq !== null) {
    if ((r.openedAt ?? 0) >= q.staleBefore) return null
    r.openedAt = q.now
    return { seq: r.openSeq, packId: r.openPackId ?? r.packId }
  }
  const count = r.periodStart === q.periodStart ? r.periodCount : 0
  if (count >= q.maxPerPeriod) return null
  r.seq += 1
  r.openSeq = r.seq
  r.openedAt = q.now
  r.openPackId = r.packId
  r.periodStart = q.periodStart
  r.periodCount = count + 1
  return { seq: r.seq, packId: r.packId }
}

/** The close rule every store implements (see `AutoTopUpStore.close`). */
export function closeRule(r: AutoTopUpRecord, seq: number, pause: TopUpPauseReason | null): boolean {
  if (r.openSeq !== seq) return false
  r.openSeq = null
  r.openedAt = null
  r.openPackId = null
  if (pause !== null) r.paused = pause
  return true
}
