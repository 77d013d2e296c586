import { ValidationError } from '../errors.js'
import { ceil, mul, rational } from './rational.js'

/** Options of `credits.toUnits`: round up (prices) or refuse a fraction of a unit (typed amounts). */
export interface ToUnitsOptions {
  /**
   * Refuse an amount that is not a whole number of ledger units instead of rounding it up: for
   * amounts someone typed (a grant, a pack, a signup bonus), where 0.0004 credits at 1000 units
   * per credit is a mistake rather than a price to round.
   * @default false (round up, as prices are: never undercharge)
   */
  exact?: boolean
  /** The field named in the `ValidationError`. @default 'credits' */
  path?: string
}

/** Options of `credits.format`: decimals and locale. */
export interface CreditsFormatOptions {
  /**
   * Decimals shown; extra digits are cut, never rounded up, so a balance is never overstated.
   * @default every decimal of the unit (3 at 1000 units per credit; 6, cut, for units that are
   * not a power of ten)
   */
  maximumFractionDigits?: number
  /**
   * Group and punctuate for people in this locale (`'en-US'`: `1,234.5`). Without it the text is
   * plain digits with a `.` decimal point, as the `Credits-Remaining` header carries it.
   * @default none
   */
  locale?: string
}

/**
 * The app's credit unit, in one place. The ledger counts whole units; people and the HTTP API
 * count credits. Every conversion between the two goes through this object, built once by
 * `createMetered` from its `unitsPerCredit` (`metered.credits`), so a price, a grant, a pack, a
 * header and an export cannot disagree on the unit.
 */
export interface Credits {
  /** Ledger units per credit (1000: the ledger keeps milli-credits). */
  readonly unitsPerCredit: number
  /**
   * Credits -> ledger units, exact (0.29 credits at 1000 is 290, never 289.99...). Rounded up to
   * a whole unit, or refused with `{ exact: true }`.
   * @throws ValidationError for a negative, non-finite or unsafe amount, or (exact) a fraction of a unit
   */
  toUnits(credits: number, options?: ToUnitsOptions): number
  /** Ledger units -> credits (may have decimals). */
  toCredits(units: number): number
  /**
   * Ledger units as credits text, without float noise: `format(12_345)` is `'12.345'` at 1000
   * units per credit; `format(1_234_567, { locale: 'en-US', maximumFractionDigits: 2 })` is
   * `'1,234.56'`.
   */
  format(units: number, options?: CreditsFormatOptions): string
}

// Routes charge the same few prices over and over: conversions are remembered (a pure function of
// the amount; bounded, cleared when full).
const MEMO_LIMIT = 256
// Units that are not a power of ten per credit have no finite decimal form; this many places, cut.
const INEXACT_PLACES = 6

const intlFormats = new Map<string, Intl.NumberFormat>()

function intlFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}/${digits}`
  let format = intlFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, roundingMode: 'trunc' })
    intlFormats.set(key, format)
  }
  return format
}

/**
 * The conversions for one unit size. `createMetered` builds the app's; build one directly only
 * for tools and tests that have no metered instance.
 * @throws ValidationError when `unitsPerCredit` is not a positive safe integer
 */
export function createCredits(unitsPerCredit = 1): Credits {
  if (!Number.isSafeInteger(unitsPerCredit) || unitsPerCredit <= 0) {
    throw new ValidationError([{ path: 'unitsPerCredit', message: 'must be a positive integer' }])
  }
  const perCredit = rational(unitsPerCredit)
  const bigUnit = BigInt(unitsPerCredit)
  const tenths = Math.log10(unitsPerCredit)
  // Decimal places that write any amount exactly, or null when no finite number of places does.
  const exactPlaces = Number.isInteger(tenths) ? tenths : null
  const places = exactPlaces ?? INEXACT_PLACES
  const smallest = exactPlaces === null ? `1/${unitsPerCredit}` : (1 / unitsPerCredit).toFixed(exactPlaces)
  const roundedUp = new Map<number, number>()

  function refuse(path: string, message: string): never {
    throw new ValidationError([{ path, message }])
  }

  function toUnits(credits: number, options?: ToUnitsOptions): number {
    const exact = options?.exact === true
    if (!exact) {
      const known = roundedUp.get(credits)
      if (known !== undefined) return known
    }
    const path = options?.path ?? 'credits'
    if (typeof credits !== 'number' || !Number.isFinite(credits) || credits < 0) {
      refuse(path, 'must be a finite number of 0 or more')
    }
    const scaled = mul(rational(credits), perCredit)
    if (exact && scaled.d !== 1n)
      refuse(path, `must be a whole number of ledger units (a multiple of ${smallest} credit)`)
    const units = ceil(scaled)
    if (!Number.isSafeInteger(units)) refuse(path, 'is too large')
    if (!exact) {
      if (roundedUp.size >= MEMO_LIMIT) roundedUp.clear()
      roundedUp.set(credits, units)
    }
    return units
  }

  /** Plain decimal text of `units`, exact or cut to `places` decimals, trailing zeros dropped. */
  function decimal(units: number, maxPlaces: number): string {
    const whole = Math.trunc(units)
    const negative = whole < 0
    const abs = BigInt(negative ? -whole : whole)
    const wanted = Number.isFinite(maxPlaces) ? Math.floor(maxPlaces) : places
    const shown = Math.max(0, Math.min(places, wanted))
    const scaled = (abs * 10n ** BigInt(shown)) / bigUnit
    const digits = scaled.toString().padStart(shown + 1, '0')
    const intPart = digits.slice(0, digits.length - shown)
    const fracPart = digits.slice(digits.length - shown).replace(/0+$/, '')
    const text = fracPart === '' ? intPart : `${intPart}.${fracPart}`
    return negative && text !== '0' ? `-${text}` : text
  }

  /**
   * `decimal` for the common case, every place of a power-of-ten unit, in safe-integer arithmetic:
   * the wrappers write `Credits-Remaining` on every call.
   */
  function exactDecimal(units: number): string {
    const whole = Math.trunc(units)
    const abs = whole < 0 ? -whole : whole
    if (exactPlaces === null || !Number.isSafeInteger(abs)) return decimal(units, places)
    const rest = abs % unitsPerCredit
    // abs - rest is a multiple of the unit, so the division is exact
    const int = String((abs - rest) / unitsPerCredit)
    const text = rest === 0 ? int : `${int}.${String(rest).padStart(exactPlaces, '0').replace(/0+$/, '')}`
    return whole < 0 ? `-${text}` : text
  }

  function format(units: number, options?: CreditsFormatOptions): string {
    if (options === undefined) return exactDecimal(units)
    const maxPlaces = options.maximumFractionDigits ?? places
    const text = decimal(units, maxPlaces)
    if (options.locale === undefined) return text
    // Intl formats a decimal string exactly (no float on the way), so grouping adds no noise.
    const dot = text.indexOf('.')
    const shown = dot < 0 ? 0 : text.length - dot - 1
    return intlFormat(options.locale, shown).format(text as Intl.StringNumericLiteral)
  }

  return {
    unitsPerCredit,
    toUnits,
    toCredits: (units) => units / unitsPerCredit,
    format,
  }
}
