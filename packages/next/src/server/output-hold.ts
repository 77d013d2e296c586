import type { Metered, MeteredUsage, Refusal, Ticket } from '@metered/core'
import type { Decide } from './authorize-call.js'
import { affordableOutputTokens, createOutputAllowance } from './output-allowance.js'
import type { MeteredNextCore, OutputHoldOptions } from './types.js'

/** Hold + balance of an admitted call that do not cover its worst case (and `fit` did not help). */
export interface ShortOf {
  /** Units the call could pay: its hold plus the balance after it. */
  reach: number
  /** Units of the worst case. */
  worst: number
}

/**
 * One call's hold decision. `decide` goes to `authorizeCall`; after it, `fitted` and `shortOf` say
 * what it came to.
 */
export interface CallHold {
  readonly decide: Decide
  /** The output cap `fit` lowered the call to; null when it was not lowered. */
  fitted: number | null
  /** Set when the call must not run: the wrapper gives the hold back and refuses (`refuseShort`). */
  shortOf: ShortOf | null
}

/** The hold policy of one wrapped route or action: its learned allowance and its `fit` floor. */
export interface OutputHold {
  /** A fresh decision for one call. */
  call(): CallHold
  /** A call ended well and reported `usage` (the settlement's `completed`): the allowance learns it. */
  completed(usage: MeteredUsage): void
}

/**
 * The hold of a usage estimate, shared by `withCredits` and `withCreditsAction` so the two decide
 * alike (docs/semantics.md, "Holds of AI calls"): hold the learned output allowance instead of the
 * worst case; admit only when hold + balance cover the worst case; with `fit`, lower the output
 * cap to what the balance affords instead of refusing. Estimates in credits, and usage without
 * `outputTokens`, are authorized once as given. Throws a TypeError for a bad `fit` where the
 * route or action is defined.
 */
export function createOutputHold(
  metered: Metered,
  options: OutputHoldOptions & { feature: string },
  wrapper: string,
): OutputHold {
  const learned = (options.hold ?? 'learned') === 'learned'
  const fit = options.fit ?? null
  if (fit && !(Number.isSafeInteger(fit.minOutputTokens) && fit.minOutputTokens >= 0)) {
    throw new TypeError(`${wrapper}("${options.feature}"): fit.minOutputTokens must be a non-negative integer`)
  }
  const allowances = createOutputAllowance()
  const priceOf = (usage: MeteredUsage) => metered.priceUnits(options.feature, usage)

  return {
    call() {
      const hold: CallHold = {
        fitted: null,
        shortOf: null,
        decide: async (estimate, input, authorize) => {
          // Anything but usage with an output cap (credits, or a value core refuses as the client's
          // mistake: null from an estimate function) is authorized as given.
          const worstCase =
            estimate !== null && typeof estimate === 'object' && estimate.outputTokens != null ? estimate : null
          if (!worstCase) return authorize(input)
          const holdFor = learned
            ? { ...worstCase, outputTokens: allowances.allowance(worstCase.model, worstCase.outputTokens ?? 0) }
            : worstCase
          input.estimate = holdFor
          let auth = await authorize(input)
          if (!auth.ok && auth.reason === 'insufficient_credits' && fit) {
            // Not even the hold fits: a second authorize holds the worst case of a shorter answer.
            const affordable = affordableOutputTokens(priceOf, worstCase, auth.available)
            if (affordable >= fit.minOutputTokens) {
              hold.fitted = affordable
              input.estimate = { ...worstCase, outputTokens: affordable }
              auth = await authorize(input)
            }
          } else if (auth.ok && holdFor !== worstCase) {
            // The answer may run past the hold up to the cap, paid from the balance: the two
            // together must cover the worst case, or the answer is capped (fit) or the call refused.
            const reach = auth.ticket.amount + auth.available
            const worst = priceOf(worstCase)
            if (worst > reach) {
              const affordable = fit ? affordableOutputTokens(priceOf, worstCase, reach) : -1
              if (fit && affordable >= fit.minOutputTokens) hold.fitted = affordable
              else hold.shortOf = { reach, worst }
            }
          }
          return auth
        },
      }
      return hold
    },
    completed(usage) {
      allowances.record(usage.model, usage.outputTokens ?? 0)
    },
  }
}

/**
 * An admitted call that is `shortOf` its worst case: its hold is given back (no usage event:
 * nothing ran; the limiter's units for the call stay spent) and the refusal is the one the worst
 * case would have got, with `available` = hold + balance.
 */
export async function refuseShort(core: MeteredNextCore, ticket: Ticket, shortOf: ShortOf): Promise<Refusal> {
  if (ticket.holdId) await core.metered.ledger.release({ holdId: ticket.holdId }).catch(core.onError)
  return {
    reason: 'insufficient_credits',
    available: shortOf.reach,
    required: shortOf.worst,
    retryAfter: null,
    limit: null,
  }
}
