import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { APP_DIR } from './app-server'
import { SCREENSHOT_DIR, SCREENSHOTS } from './screenshots'

// The pictures in the README are taken by the e2e run (UPDATE_SCREENSHOTS=1 writes them): a normal
// run checks each one is committed, is a PNG, and is shown by the README.
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const readme = readFileSync(path.join(APP_DIR, 'README.md'), 'utf8')

describe('README screenshots', () => {
  for (const file of Object.values(SCREENSHOTS)) {
    test(`docs/${file} is a committed PNG shown in the README`, () => {
      const bytes = readFileSync(path.join(SCREENSHOT_DIR, file))
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
      expect(bytes.length).toBeGreaterThan(1000)
      expect(readme).toMatch(new RegExp(`!\\[[^\\]]+\\]\\(\\./docs/${file.replace('.', '\\.')}\\)`))
    })
  }
})
