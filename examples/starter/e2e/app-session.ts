import type { Browser, BrowserContext, Page } from 'playwright-core'
import { type AppServer, type Routes, STARTER_ROUTES, type StartAppOptions, startApp, warmUp } from './app-server'
import { launchChromium } from './browser'

/** A page whose waits allow for `next dev` compiling a page the first time it is opened. */
export async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  page.setDefaultTimeout(45_000)
  page.setDefaultNavigationTimeout(60_000)
  return page
}

/**
 * Starts the app and Chromium side by side and compiles the routes the suite opens, logging how
 * long each took under `label`. Both are closed again when the start-up fails.
 */
export async function startAppAndBrowser(
  label: string,
  options: StartAppOptions,
  routes: Routes = STARTER_ROUTES,
): Promise<{ app: AppServer; browser: Browser }> {
  const started = Date.now()
  const [app, browser] = await Promise.all([startApp(options), launchChromium()])
  const listening = Date.now()
  try {
    await warmUp(app, routes)
  } catch (error) {
    await browser.close()
    await app.stop()
    throw error
  }
  console.log(`[${label}] server up in ${listening - started} ms, routes compiled in ${Date.now() - listening} ms`)
  return { app, browser }
}

/** A signed-out user and a signed-out admin, each in a browser context of its own. */
export async function userAndAdmin(browser: Browser) {
  const userContext = await browser.newContext()
  const adminContext = await browser.newContext()
  return { userContext, user: await openPage(userContext), adminContext, admin: await openPage(adminContext) }
}
