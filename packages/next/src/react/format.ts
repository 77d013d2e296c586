/** Options of `formatCredits`: locale and decimals. */
export interface FormatCreditsOptions {
  /**
   * Fixed by default so the server and the browser print the same digits (no hydration mismatch).
   * @default 'en-US'
   */
  locale?: string | undefined
  /**
   * Decimals shown; extra digits are cut, never rounded up, so a balance is never overstated.
   * @default 2
   */
  maximumFractionDigits?: number | undefined
}

// Building a NumberFormat is far slower than using one, and a chart or history formats hundreds.
const formats = new Map<string, Intl.NumberFormat>()

/**
 * Credits for people: grouping, at most two decimals, no float noise.
 * @example formatCredits(1234.567) // '1,234.56'
 * @example formatCredits(0.0047) // '0.0047'
 */
export function formatCredits(credits: number, options: FormatCreditsOptions = {}): string {
  const { locale = 'en-US', maximumFractionDigits = 2 } = options
  // A balance below the shown precision (0.004) would read as "0" and look empty: keep two
  // significant digits for it instead.
  const tiny = credits !== 0 && Math.abs(credits) < 10 ** -maximumFractionDigits
  const key = `${locale}/${tiny ? 's' : maximumFractionDigits}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(
      locale,
      tiny ? { maximumSignificantDigits: 2, roundingMode: 'trunc' } : { maximumFractionDigits, roundingMode: 'trunc' },
    )
    formats.set(key, format)
  }
  return format.format(credits)
}

/** `'1,234.56 credits'`, `'1 credit'`. */
export function creditsLabel(credits: number, options?: FormatCreditsOptions): string {
  return `${formatCredits(credits, options)} ${credits === 1 ? 'credit' : 'credits'}`
}
