import type { Detected } from './detect.js'
import type { Auth, Db, InitOptions, Redis } from './options.js'

/** The choices init settled on: the command line's, else what it detected. */
export interface Choices {
  auth: Auth
  db: Db
  redis: Redis
  stripe: boolean
}

export function choose(options: InitOptions, detected: Detected): Choices {
  return {
    auth: options.auth ?? detected.auth,
    db: options.db ?? detected.db,
    redis: options.redis ?? detected.redis,
    stripe: options.stripe ?? true,
  }
}

/** The choices a template's `// #if` regions test (`stripe` is `on` or `off`). */
export function templateChoices(choices: Choices): Record<string, string> {
  return { auth: choices.auth, db: choices.db, redis: choices.redis, stripe: choices.stripe ? 'on' : 'off' }
}

/** One file init writes: a template (path under templates/) and where it goes (under the base dir). */
export interface PlannedFile {
  template: string
  /** Relative to the base dir ('' or 'src/'). */
  file: string
}

/** Every file the integration needs, for these choices. */
export function planFiles(choices: Choices): PlannedFile[] {
  const same = (path: string): PlannedFile => ({ template: path, file: path })
  const files = [
    same('lib/metered-stores.ts'),
    same('lib/metered.ts'),
    same('app/api/credits/[...route]/route.ts'),
    same('app/api/profile/[[...route]]/route.ts'),
    same('app/api/admin/[...route]/route.ts'),
  ]
  if (choices.db !== 'memory') files.push(same('instrumentation.ts'))
  if (choices.auth === 'next-auth' || choices.auth === 'authjs') files.push(same('types/next-auth.d.ts'))
  if (choices.auth === 'authjs' || choices.auth === 'better-auth') files.push(same('lib/metered-auth.ts'))
  if (choices.stripe) {
    files.push(
      same('lib/metered-stripe.ts'),
      same('app/api/checkout/route.ts'),
      same('app/api/webhooks/stripe/route.ts'),
      same('app/buy-credits/page.tsx'),
      same('app/checkout/dev/page.tsx'),
    )
  }
  return files
}

/** The packages the generated code imports, minus those the app already has. */
export function packagesNeeded(choices: Choices, dependencies: Record<string, string>): string[] {
  const wanted = ['@metered/core', '@metered/next']
  if (choices.db !== 'memory') wanted.push('@metered/postgres', 'kysely')
  if (choices.db === 'postgres') wanted.push('pg')
  if (choices.db === 'pglite') wanted.push('@electric-sql/pglite')
  if (choices.redis === 'upstash') wanted.push('@metered/redis', '@upstash/redis')
  if (choices.stripe) wanted.push('@metered/stripe', 'stripe')
  return wanted.filter((name) => !(name in dependencies))
}

/** Type packages for development (`-D`). */
export function devPackagesNeeded(choices: Choices, dependencies: Record<string, string>): string[] {
  return (choices.db === 'postgres' ? ['@types/pg'] : []).filter((name) => !(name in dependencies))
}

export function installCommand(manager: Detected['packageManager'], packages: string[], dev = false): string[] {
  const add = manager === 'npm' ? ['install'] : ['add']
  return [manager, ...add, ...(dev ? ['-D'] : []), ...packages]
}
