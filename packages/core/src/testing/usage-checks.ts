import { usagePropertyChecks } from './usage-check-property.js'
import { usageHostileChecks } from './usage-checks-hostile.js'
import { usageInputChecks } from './usage-checks-input.js'
import { usageListChecks } from './usage-checks-list.js'
import { usageStatsChecks } from './usage-checks-stats.js'

/**
 * Every check `usageSuite` runs, by test title. Exposed so a test can run one check against a
 * deliberately broken store and show that exactly this check catches it.
 */
export const usageChecks = {
  ...usageListChecks,
  ...usageStatsChecks,
  ...usageInputChecks,
  ...usageHostileChecks,
  ...usagePropertyChecks,
}

/** The title of one usage check. */
export type UsageCheckName = keyof typeof usageChecks
