import { usersHostileChecks } from './users-checks-hostile.js'
import { usersListChecks } from './users-checks-list.js'
import { usersLoginChecks } from './users-checks-logins.js'
import { usersProfileChecks } from './users-checks-profile.js'

/**
 * Every check `usersSuite` runs, by test title. Exposed so a test can run one check against a
 * deliberately broken store and show that exactly this check catches it.
 */
export const usersChecks = {
  ...usersProfileChecks,
  ...usersLoginChecks,
  ...usersListChecks,
  ...usersHostileChecks,
}

/** The title of one users check. */
export type UsersCheckName = keyof typeof usersChecks
