import { ValidationError } from './errors.js'

/**
 * A span of time: milliseconds as a number, or a human string such as `'200 ms'`, `'1 s'`,
 * `'1 m'`, `'1 h'`, `'1 d'`, `'2 weeks'`.
 */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationUnit}`

/** The units a duration string may use (`'30 s'`, `'10 m'`, `'1 d'`). */
export type DurationUnit =
  | 'ms'
  | 's'
  | 'sec'
  | 'second'
  | 'seconds'
  | 'm'
  | 'min'
  | 'minute'
  | 'minutes'
  | 'h'
  | 'hr'
  | 'hour'
  | 'hours'
  | 'd'
  | 'day'
  | 'days'
  | 'w'
  | 'week'
  | 'weeks'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
}

const PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i

/** Parses a {@link Duration} to whole milliseconds (> 0). Throws `ValidationError` otherwise. */
export function toMs(duration: Duration, field = 'duration'): number {
  let ms: number
  if (typeof duration === 'number') {
    ms = duration
  } else {
    const match = PATTERN.exec(duration)
    const unit = match ? UNIT_MS[match[2]!.toLowerCase()] : undefined
    if (!match || unit === undefined) {
      throw new ValidationError([{ path: field, message: `not a duration: "${duration}"` }])
    }
    ms = Number(match[1]) * unit
  }
  // Checked after rounding: '0.4 ms' would otherwise become a 0 ms window (division by zero).
  const rounded = Math.round(ms)
  if (!Number.isFinite(ms) || rounded <= 0 || !Number.isSafeInteger(rounded)) {
    throw new ValidationError([{ path: field, message: 'must be a positive duration' }])
  }
  return rounded
}
