import { expect } from 'vitest'

/** A call that must be refused, named for the failure message. */
export type Attempt = [string, () => Promise<unknown>]

/** Runs every attempt and expects each to throw a `ValidationError` (code `validation_error`). */
export async function expectAllRefused(attempts: Attempt[]): Promise<void> {
  for (const [name, call] of attempts) {
    let error: unknown
    try {
      await call()
    } catch (e) {
      error = e
    }
    expect((error as { code?: unknown } | undefined)?.code, `${name}: expected ValidationError, got ${error}`).toBe(
      'validation_error',
    )
  }
}
