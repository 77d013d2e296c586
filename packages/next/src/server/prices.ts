import type { Metered, MeteredUsage } from '@metered/core'

/** A pricing error about the model (the pricer has no price for it, or no model was given). */
export function isUnpricedModel(error: unknown): boolean {
  const e = error as { code?: string; issues?: Array<{ path: string }> } | null
  return (
    e?.code === 'validation_error' &&
    Array.isArray(e.issues) &&
    e.issues.length > 0 &&
    e.issues.every((i) => i.path === 'model')
  )
}

/** The error `onError` sees once per feature and model: what is wrong and where to fix it. */
export function unpricedModelError(feature: string, model: string | null, cause: unknown): Error {
  const name = model ? `"${model}"` : '(no model given)'
  return new Error(
    `withCredits("${feature}"): no price for model ${name} in your table or the catalog, so its calls answer 500. ` +
      `Add it to the "${feature}" pricer in createMeteredNext({ pricing }), e.g. perToken({ models: { ` +
      `${model ? `"${model}"` : '"<model>"'}: { input, cachedInput, output } } }) in USD per 1M tokens, and list it in ` +
      'createMeteredNext({ models }) to have it checked at start-up.',
    { cause },
  )
}

/**
 * Whether `feature` prices `model` for tokens and for images (a pricer ignores what it does not
 * price: a token pricer charges no images, so only a pricer of both needs both prices). A
 * missing pricer throws.
 */
function prices(metered: Metered, feature: string, model: string): boolean {
  const probes: MeteredUsage[] = [
    { model, inputTokens: 1, outputTokens: 1 },
    { model, images: { count: 1, quality: 'high', size: '1024x1024' } },
  ]
  for (const usage of probes) {
    try {
      metered.priceUnits(feature, usage)
    } catch (error) {
      if (!isUnpricedModel(error)) throw error
      return false
    }
  }
  return true
}

/**
 * The start-up check of `createMeteredNext({ models })`: every model each feature uses has a
 * price. Throws one error listing every feature without a pricer and every unpriced model.
 */
export function assertModelsPriced(metered: Metered, models: Readonly<Record<string, ReadonlyArray<string>>>): void {
  const problems: string[] = []
  for (const [feature, names] of Object.entries(models)) {
    const missing: string[] = []
    try {
      for (const model of names) if (!prices(metered, feature, model)) missing.push(`"${model}"`)
    } catch (error) {
      problems.push(`feature "${feature}": ${(error as Error).message}`)
      continue
    }
    if (missing.length > 0) problems.push(`feature "${feature}" has no price for ${missing.join(', ')}`)
  }
  if (problems.length > 0) {
    throw new TypeError(
      `createMeteredNext({ models }): ${problems.join('; ')}. Add the prices to the feature's pricer ` +
        '(perToken({ models: { ...openaiTextPrices, "<model>": { input, cachedInput, output } } }), USD per 1M tokens).',
    )
  }
}
