/**
 * Exact non-negative fractions over bigint. Prices are decimals (0.1 USD per 1M tokens, x1.3,
 * 0.001 USD per credit); doing that arithmetic in floats and rounding per call would overcharge
 * small calls, so pricing stays exact until the single round-up to a ledger unit.
 */
export interface Rational {
  readonly n: bigint
  readonly d: bigint
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b
  while (y !== 0n) {
    const t = x % y
    x = y
    y = t
  }
  return x
}

function make(n: bigint, d: bigint): Rational {
  const g = gcd(n, d)
  return g > 1n ? { n: n / g, d: d / g } : { n, d }
}

export const ZERO: Rational = { n: 0n, d: 1n }

/** A finite, non-negative JS number or decimal string, read exactly as written (`0.1` is 1/10). */
export function rational(value: number | string): Rational {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim()
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!match) throw new RangeError(`not a non-negative decimal: ${String(value)}`)
  const frac = match[2] ?? ''
  return make(BigInt(match[1]! + frac), 10n ** BigInt(frac.length))
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative finite number: ${value}`)
  const s = String(value)
  if (!/e/i.test(s)) return s
  // 1e-7 and friends: expand the exponent without going through floats again
  const [mantissa = '0', expText = '0'] = s.toLowerCase().split('e')
  const exp = Number(expText)
  const [int = '0', frac = ''] = mantissa.split('.')
  const digits = int + frac
  const point = int.length + exp
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length)
  return `${digits.slice(0, point)}.${digits.slice(point)}`
}

export function add(a: Rational, b: Rational): Rational {
  return make(a.n * b.d + b.n * a.d, a.d * b.d)
}

export function mul(a: Rational, b: Rational): Rational {
  return make(a.n * b.n, a.d * b.d)
}

export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError('division by zero')
  return make(a.n * b.d, a.d * b.n)
}

/** Smallest integer >= the value. */
export function ceil(a: Rational): number {
  const q = a.n / a.d
  return Number(a.n % a.d === 0n ? q : q + 1n)
}

export function toNumber(a: Rational): number {
  return Number(a.n) / Number(a.d)
}

export function sum(values: Rational[]): Rational {
  return values.reduce(add, ZERO)
}
