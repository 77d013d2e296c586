import { parseArgs } from 'node:util'

export const AUTHS = ['next-auth', 'authjs', 'better-auth', 'none'] as const
export const DBS = ['postgres', 'pglite', 'memory'] as const
export const REDISES = ['upstash', 'none'] as const

export type Auth = (typeof AUTHS)[number]
export type Db = (typeof DBS)[number]
export type Redis = (typeof REDISES)[number]

/** What `metered init` was asked to do; undefined choices are detected from the app. */
export interface InitOptions {
  dir: string
  yes: boolean
  dryRun: boolean
  install: boolean
  auth?: Auth
  db?: Db
  redis?: Redis
  stripe?: boolean
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = `Usage: metered init [dir] [options]
       metered prices [model ...] [--overrides <file.json>] [--json]   (metered prices --help)

Adds metered to a Next.js App Router app: lib/metered.ts, the credits/profile/admin routes,
checkout + Stripe webhook, instrumentation.ts, MeteredProvider in the root layout.

Options:
  --yes                 no questions: write only new files and files init wrote itself (unchanged since)
  --dry-run             print the changes as a unified diff, write nothing
  --install             run the install command instead of printing it
  --auth <name>         next-auth | authjs | better-auth | none   (default: from package.json)
  --db <name>           postgres | pglite | memory                (default: postgres with DATABASE_URL, else pglite)
  --redis <name>        upstash | none                            (default: upstash with UPSTASH_REDIS_REST_URL)
  --stripe, --no-stripe credit packs through Stripe Checkout      (default: on; dev checkout without keys)
  -h, --help            this text`

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`)
}

/** `metered <command> ...` -> the command and its options. */
export function parseCommandLine(argv: string[]): { command: 'init' | 'help'; options: InitOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      yes: { type: 'boolean', short: 'y', default: false },
      'dry-run': { type: 'boolean', default: false },
      install: { type: 'boolean', default: false },
      auth: { type: 'string' },
      db: { type: 'string' },
      redis: { type: 'string' },
      stripe: { type: 'boolean' },
      'no-stripe': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const [command, dir, ...rest] = positionals
  const options: InitOptions = {
    dir: dir ?? '.',
    yes: values.yes,
    dryRun: values['dry-run'],
    install: values.install,
  }
  if (values.help || command === undefined || command === 'help') return { command: 'help', options }
  if (command !== 'init') throw new UsageError(`unknown command "${command}"`)
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`)
  if (values.stripe && values['no-stripe']) throw new UsageError('--stripe and --no-stripe contradict each other')
  const auth = oneOf('auth', values.auth, AUTHS)
  const db = oneOf('db', values.db, DBS)
  const redis = oneOf('redis', values.redis, REDISES)
  if (auth) options.auth = auth
  if (db) options.db = db
  if (redis) options.redis = redis
  if (values.stripe) options.stripe = true
  if (values['no-stripe']) options.stripe = false
  return { command, options }
}
