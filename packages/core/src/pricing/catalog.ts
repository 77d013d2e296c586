import { catalogAliases, catalogModels } from './catalog.generated.js'
import type { CatalogEntry } from './catalog-types.js'

export { CATALOG_DATE, CATALOG_SOURCE, catalogAliases, catalogModels } from './catalog.generated.js'
export type { CatalogEntry, CatalogPrice, Fraction } from './catalog-types.js'

/**
 * The names a model id may be listed under, most specific first: as given, without a gateway's
 * provider prefix (`openai/gpt-4.1`), without a dated snapshot suffix (`-2025-04-14`, `-20250514`).
 */
export function candidateNames(model: string): string[] {
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model
  const names = [model, bare, bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '')]
  return [...new Set(names)]
}

/** The catalog's price for a model id, through its aliases and snapshots; undefined when unlisted. */
export function catalogPrice(model: string): CatalogEntry | undefined {
  for (const name of candidateNames(model)) {
    if (Object.hasOwn(catalogModels, name)) return catalogModels[name]
    const target = Object.hasOwn(catalogAliases, name) ? catalogAliases[name] : undefined
    if (target !== undefined) return catalogModels[target]
  }
  return undefined
}
