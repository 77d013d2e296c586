import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]

/** Debian's Chromium (CI installs it: see .ci/run); CHROMIUM_PATH overrides. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. The starter's end-to-end tests drive a real browser: ` +
        'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.',
    )
  }
  return chromium.launch({ executablePath, args: ARGS, headless: true })
}
