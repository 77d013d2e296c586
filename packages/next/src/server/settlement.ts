import type { Metadata, MeteredUsage, Ticket, TicketSettlement } from '@metered/core'
import type { Charges } from './charges.js'
import type { AbortPolicy } from './types.js'

/** How a metered call ended. */
export type Outcome = 'ok' | 'error' | 'aborted'

export interface Settlement {
  /** Settles (or releases) once; later calls return the first result. Null if the store failed. */
  finish(outcome: Outcome): Promise<TicketSettlement | null>
  /** Resolves when `finish` has run to the end, whenever that is (for `after()`). */
  readonly settled: Promise<TicketSettlement | null>
  /** Whether `finish` was called: later charges can no longer count. */
  readonly started: boolean
}

/**
 * Who pays, in one place (docs/nextjs.md, "Who pays"):
 *
 * | outcome | fixed `price` | `estimate` |
 * |---|---|---|
 * | ok | the price | what was charged; the estimate if the handler never charged |
 * | error (throw, upstream failure, handler's own 4xx/5xx) | released | what was charged so far; released if nothing |
 * | aborted, `charge-produced` | the price | what was charged so far (the AI helpers report output produced); released if nothing |
 * | aborted, `charge-hold` | the price | the whole hold |
 * | aborted, `release` | released | released |
 * | crash | the hold expires | the hold expires |
 */
export function createSettlement(input: {
  ticket: Ticket
  charges: Charges
  /** Units of a fixed price, or null in estimate mode. */
  priceUnits: number | null
  estimate: number | MeteredUsage
  onAbort: AbortPolicy
  metadata: Metadata | undefined
  report: (error: unknown) => void
}): Settlement {
  const { ticket, charges, priceUnits } = input
  let result: Promise<TicketSettlement | null> | null = null
  // `settled` is only read for streamed bodies: its promise is made on first read, not per call.
  let settled: Promise<TicketSettlement | null> | null = null
  let resolveSettled: ((value: TicketSettlement | null) => void) | null = null
  const metadata = input.metadata ? { metadata: input.metadata } : {}

  function usageFor(fallbackToEstimate: boolean): { usage?: MeteredUsage } {
    const reported = charges.usage()
    if (reported) return { usage: reported }
    if (fallbackToEstimate && typeof input.estimate === 'object') return { usage: input.estimate }
    return {}
  }

  /** Units the handler reported; a report that cannot be priced falls back to the whole hold. */
  function chargedUnits(): number {
    try {
      return charges.units()
    } catch (error) {
      input.report(error)
      return ticket.amount
    }
  }

  function charge(units: number, status: 'ok' | 'error' | 'aborted', fallback: boolean) {
    return ticket.settle({ units, status, ...usageFor(fallback), ...metadata })
  }

  function release(status: 'error' | 'aborted') {
    const usage = charges.usage()
    return ticket.cancel({ status, ...(usage ? { usage } : {}) })
  }

  async function run(outcome: Outcome): Promise<TicketSettlement> {
    if (outcome === 'ok') {
      if (priceUnits !== null) return charge(priceUnits, 'ok', false)
      return charges.any ? charge(chargedUnits(), 'ok', false) : charge(ticket.amount, 'ok', true)
    }
    if (outcome === 'error') {
      if (priceUnits === null && charges.any) return charge(chargedUnits(), 'error', false)
      return release('error')
    }
    if (input.onAbort === 'release') return release('aborted')
    if (priceUnits !== null) return charge(priceUnits, 'aborted', false)
    if (input.onAbort === 'charge-hold') return charge(ticket.amount, 'aborted', true)
    return charges.any ? charge(chargedUnits(), 'aborted', false) : release('aborted')
  }

  return {
    finish(outcome) {
      result ??= run(outcome).catch((error: unknown) => {
        // The hold stays open and expires at its ttl: the caller is refunded, never overcharged.
        input.report(error)
        return null
      })
      if (resolveSettled) {
        void result.then(resolveSettled)
        resolveSettled = null
      }
      return result
    },
    get settled() {
      // `result` never rejects (failures resolve null), so once finished it is the settled promise.
      if (result) return result
      settled ??= new Promise<TicketSettlement | null>((resolve) => {
        resolveSettled = resolve
      })
      return settled
    },
    get started() {
      return result !== null
    },
  }
}
