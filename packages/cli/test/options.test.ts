import { describe, expect, it } from 'vitest'
import { parseCommandLine, UsageError } from '../src/options.js'

describe('parseCommandLine', () => {
  it('reads init, the dir and every option', () => {
    expect(
      parseCommandLine([
        'init',
        'my-app',
        '--yes',
        '--dry-run',
        '--auth',
        'authjs',
        '--db',
        'pglite',
        '--redis',
        'upstash',
        '--no-stripe',
      ]),
    ).toEqual({
      command: 'init',
      options: {
        dir: 'my-app',
        yes: true,
        dryRun: true,
        install: false,
        auth: 'authjs',
        db: 'pglite',
        redis: 'upstash',
        stripe: false,
      },
    })
    expect(parseCommandLine(['init']).options).toEqual({ dir: '.', yes: false, dryRun: false, install: false })
  })

  it('refuses unknown values, commands, extra arguments and contradictions', () => {
    expect(() => parseCommandLine(['init', '--auth', 'clerk'])).toThrow(UsageError)
    expect(() => parseCommandLine(['deploy'])).toThrow(/unknown command/)
    expect(() => parseCommandLine(['init', 'a', 'b'])).toThrow(/unexpected arguments/)
    expect(() => parseCommandLine(['init', '--stripe', '--no-stripe'])).toThrow(/contradict/)
    expect(() => parseCommandLine(['init', '--nope'])).toThrow()
  })

  it('answers help for no command, help and -h', () => {
    expect(parseCommandLine([]).command).toBe('help')
    expect(parseCommandLine(['init', '-h']).command).toBe('help')
  })
})
