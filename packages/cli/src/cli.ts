#!/usr/bin/env node
import { createInterface } from 'node:readline/promises'
import { NotAnAppError } from './detect.js'
import { type Io, init } from './init.js'
import { parseCommandLine, USAGE, UsageError } from './options.js'
import { PRICES_USAGE, parsePricesCommand, prices } from './prices.js'

/** y/N on the terminal; null (never overwrite) when stdin is not one. */
function terminalAsk(): Io['ask'] {
  if (!process.stdin.isTTY) return null
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
    } finally {
      rl.close()
    }
  }
}

async function pricesCommand(argv: string[]): Promise<number> {
  try {
    const options = parsePricesCommand(argv)
    return await prices(options, { log: (text) => console.log(text), cwd: process.cwd() })
  } catch (error) {
    console.error(`metered: ${error instanceof Error ? error.message : String(error)}\n\n${PRICES_USAGE}`)
    return 2
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'prices') return pricesCommand(argv.slice(1))
  let parsed: ReturnType<typeof parseCommandLine>
  try {
    parsed = parseCommandLine(argv)
  } catch (error) {
    console.error(`metered: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  if (parsed.command === 'help') {
    console.log(USAGE)
    return 0
  }
  try {
    await init(parsed.options, { log: (text) => console.log(text), ask: terminalAsk() })
    return 0
  } catch (error) {
    if (error instanceof NotAnAppError || error instanceof UsageError) {
      console.error(`metered: ${error.message}`)
      return 2
    }
    throw error
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code
})
