import type { Metadata } from '../ledger/types.js'

/**
 * Metadata that counts how often it is validated: the metadata rule reads every value exactly
 * once per check (and keeps the copy it read), so the reads of `probe` are the number of times
 * the call's input was validated. A driver only ever sees that copy, never this object.
 */
export function validationProbe(): { metadata: Metadata; validations: () => number } {
  let reads = 0
  const metadata = new Proxy<Metadata>(
    { probe: 1 },
    {
      get(target, key, receiver) {
        if (key === 'probe') reads += 1
        return Reflect.get(target, key, receiver)
      },
    },
  )
  return { metadata, validations: () => reads }
}
