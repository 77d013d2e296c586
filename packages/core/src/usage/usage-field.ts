import { ValidationError } from '../errors.js'
import { parse, usageEventInputSchema } from '../schemas.js'

/** The fields of a usage event that metering checks one at a time, where they enter core. */
export type UsageField =
  | 'userId'
  | 'feature'
  | 'amount'
  | 'model'
  | 'inputTokens'
  | 'cachedInputTokens'
  | 'outputTokens'
  | 'quantity'
  | 'status'
  | 'metadata'

/**
 * One field of a usage event through the usage event schema's own rule for it (the lazy schema's
 * object, built once and kept by zod as `innerType`, then its field), so what authorize accepts is
 * what the settle can record; issues name the field.
 */
export function checkedUsageField<T>(field: UsageField, value: unknown, what = 'usage event'): T {
  try {
    return parse(usageEventInputSchema._zod.innerType.shape[field], value, what) as T
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    const issues = error.issues.map((i) => ({ path: i.path ? `${field}.${i.path}` : field, message: i.message }))
    throw new ValidationError(issues, what)
  }
}
