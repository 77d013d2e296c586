/**
 * The price catalog `perToken` uses, for apps that list or check it: every model's USD per 1M
 * tokens as exact fractions, its aliases, and the dataset and date it was generated from.
 * @example import { CATALOG_DATE, catalogPrice } from '@metered/core/prices'
 */
export {
  CATALOG_DATE,
  CATALOG_SOURCE,
  type CatalogEntry,
  type CatalogPrice,
  candidateNames,
  catalogAliases,
  catalogModels,
  catalogPrice,
  type Fraction,
} from './pricing/catalog.js'
