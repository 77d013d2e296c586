#!/usr/bin/env node
import { createInterface } from 'node:readline/promises'
import { NotAnAppError } from './detect.js'
import { type Io, init } from './init.js'
import { parseCommandLine, USAGE, UsageError } from './options.js'

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

async function main(argv: string[]): Promise<number> {
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
