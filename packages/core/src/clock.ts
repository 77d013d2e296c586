/**
 * Where time comes from. Stores default to their own clock (Redis `TIME`, Postgres `now()`);
 * passing a clock makes every time-dependent decision use it instead, which is how tests move
 * time forward without waiting.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void
  /** Sets the clock to `ms`, epoch milliseconds. */
  set(ms: number): void
}

export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let t = start
  return {
    now: () => t,
    advance: (ms) => {
      t += ms
    },
    set: (ms) => {
      t = ms
    },
  }
}
