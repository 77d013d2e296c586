/**
 * Credits -> ledger units, exactly: 0.39 credits at 1000 units per credit is 390 units, while
 * 0.0004 is refused rather than silently rounded (an admin typing a grant means that amount).
 * @returns the units, or null when `credits` is not a whole number of units or not a safe integer
 */
export function exactUnits(credits: number, unitsPerCredit: number): number | null {
  const scaled = credits * unitsPerCredit
  const units = Math.round(scaled)
  if (!Number.isSafeInteger(units) || units <= 0) return null
  // Float noise (0.29 * 1000 = 289.99999999999994) is not a fraction of a unit.
  if (Math.abs(scaled - units) > Math.max(1e-9, Math.abs(scaled) * 1e-15)) return null
  return units
}
