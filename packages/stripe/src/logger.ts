/**
 * Where the webhook reports what it decided not to do (amount mismatch, unknown pack) and what
 * failed. Messages never contain secrets, signatures or request bodies.
 */
export interface StripeCreditsLogger {
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

export const consoleLogger: StripeCreditsLogger = {
  warn: (message, data) => console.warn(`[metered/stripe] ${message}`, data ?? ''),
  error: (message, data) => console.error(`[metered/stripe] ${message}`, data ?? ''),
}
