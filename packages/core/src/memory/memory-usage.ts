import { usageStoreFrom } from '../adapter/usage-store-from.js'
import { type Clock, systemClock } from '../clock.js'
import { decodeKeysetCursor, encodeKeysetCursor } from '../usage/keyset-cursor.js'
import { addToTotals, bucketStart, emptyTotals } from '../usage/normalize.js'
import type { UsageBucket, UsageEvent, UsageStore } from '../usage/types.js'
import type { UsageDriver } from '../usage/usage-driver.js'

/** Options of `createMemoryUsageStore`. */
export interface MemoryUsageStoreOptions {
  /** Where "now" comes from for events recorded without `at`. @default systemClock */
  clock?: Clock
}

/** (at, id) ascending: the export order of `list`, and the keyset the cursor points into. */
function compareEvents(a: UsageEvent, b: UsageEvent): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * Metadata goes through JSON, as it does into a jsonb or JSON column: the memory store then keeps
 * and returns exactly what a database would (no Dates, no undefined), and callers cannot mutate it.
 */
function jsonCopy(metadata: UsageEvent['metadata']): UsageEvent['metadata'] {
  return metadata === null ? null : (JSON.parse(JSON.stringify(metadata)) as UsageEvent['metadata'])
}

function copyEvent(event: UsageEvent): UsageEvent {
  return { ...event, metadata: jsonCopy(event.metadata) }
}

/**
 * The reference usage store: every event in one array, aggregated on read. Fine for tests and
 * development; it keeps everything in process memory and forgets it on restart.
 */
export function createMemoryUsageStore(options: MemoryUsageStoreOptions = {}): UsageStore {
  const clock = options.clock ?? systemClock
  const events: UsageEvent[] = []
  let seq = 0

  const driver: UsageDriver = {
    async record(normalized) {
      seq += 1
      // Zero-padded so that string order equals insertion order, which `list` uses to break ties.
      const event: UsageEvent = {
        id: `use_${seq.toString().padStart(12, '0')}`,
        ...normalized,
        at: normalized.at ?? clock.now(),
      }
      events.push(event)
      return copyEvent(event)
    },

    async stats(q) {
      const totals = emptyTotals()
      const buckets = new Map<string, UsageBucket>()
      for (const event of events) {
        if (q.account !== null && event.account !== q.account) continue
        if (event.at < q.from || event.at >= q.to) continue
        const start = bucketStart(event.at, q.bucket)
        const feature = q.byFeature ? event.feature : null
        const key = `${start}|${feature ?? ''}`
        let bucket = buckets.get(key)
        if (bucket === undefined) {
          bucket = { start, feature, ...emptyTotals() }
          buckets.set(key, bucket)
        }
        addToTotals(bucket, event)
        addToTotals(totals, event)
      }
      const ordered = [...buckets.values()].sort(
        (a, b) => a.start - b.start || ((a.feature ?? '') < (b.feature ?? '') ? -1 : 1),
      )
      return { buckets: ordered, totals }
    },

    async list(q) {
      const after = q.cursor === null ? null : decodeKeysetCursor(q.cursor)
      const matching = events
        .filter((e) => (q.account === null || e.account === q.account) && e.at >= q.from && e.at < q.to)
        .filter((e) => after === null || e.at > after.at || (e.at === after.at && e.id > after.id))
        .sort(compareEvents)
      const page = matching.slice(0, q.limit)
      const last = page.at(-1)
      return {
        events: page.map(copyEvent),
        nextCursor: matching.length > q.limit && last !== undefined ? encodeKeysetCursor(last) : null,
      }
    },
  }
  return usageStoreFrom(driver)
}
