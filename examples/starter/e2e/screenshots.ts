import path from 'node:path'
import type { Page } from 'playwright-core'
import { APP_DIR } from './app-server'

/** The README's pictures, taken by the e2e run at the moment each shows. */
export const SCREENSHOTS = {
  chat: 'chat.png',
  refused: 'refused-402.png',
  stopped: 'stopped.png',
} as const

export const SCREENSHOT_DIR = path.join(APP_DIR, 'docs')

/** Set UPDATE_SCREENSHOTS=1 to write them; a normal run leaves the committed files alone. */
export const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1'

export async function screenshot(page: Page, name: keyof typeof SCREENSHOTS): Promise<void> {
  if (!updateScreenshots) return
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, SCREENSHOTS[name]),
    animations: 'disabled',
    // the e2e runs `next dev`: its indicator is not part of the app
    style: 'nextjs-portal { display: none !important; }',
  })
}
