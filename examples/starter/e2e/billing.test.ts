import type { APIResponse, Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AppServer, Routes } from './app-server'
import { startAppAndBrowser, userAndAdmin } from './app-session'
import {
  balance,
  chatTurnUnits,
  type Delivery,
  formatCredits,
  headerCredits,
  payAtDevCheckout,
  redeliver,
  signIn,
} from './helpers'

let app: AppServer
let browser: Browser
let userContext: BrowserContext
let user: Page
let adminContext: BrowserContext
let admin: Page

/** Ledger units (milli-credits) of the signed-in user's available balance. */
const units = async () => Math.round((await balance(userContext, app.url)).available * 1000)

/** The usage of a streamed turn, from its `response.completed` or `response.incomplete` event. */
function turnUsage(body: string) {
  const final = body
    .split('\n\n')
    .filter((chunk) => chunk.startsWith('data: '))
    .map((chunk) => JSON.parse(chunk.slice(6)) as { event: string; data: { response?: Record<string, unknown> } })
    .find((e) => e.event === 'response.completed' || e.event === 'response.incomplete')
  if (!final) throw new Error(`no final event in the stream:\n${body.slice(0, 500)}`)
  return final.data.response?.usage as { input_tokens: number; output_tokens: number }
}

async function turn(context: BrowserContext, text: string): Promise<APIResponse> {
  return context.request.post(`${app.url}/api/turn_response`, {
    data: { messages: [{ role: 'user', content: text }] },
    timeout: 60_000,
  })
}

/** The routes this file opens. */
const BILLING_ROUTES: Routes = {
  pages: ['/', '/signin', '/billing', '/billing/dev-portal', '/checkout/dev', '/checkout/success'],
  gets: ['/api/credits/balance', '/api/auto-top-up', '/api/admin/users'],
  posts: [
    '/api/turn_response',
    '/api/subscribe',
    '/api/billing/portal',
    '/api/auto-top-up',
    '/api/webhooks/stripe',
    '/api/dev-checkout/pay',
    '/api/credits/deduct',
  ],
}

// Plans, automatic top-up and the fitted answer on the embedded defaults: PGlite, the demo model,
// the development sign-in and the development Stripe (which completes plan checkouts and charges
// saved cards off-session, its events signed and handed to the app's webhook handler).
describe('starter billing: plans, automatic top-up, fitted answers (dev Stripe)', () => {
  beforeAll(async () => {
    ;({ app, browser } = await startAppAndBrowser('billing e2e', { name: 'billing' }, BILLING_ROUTES))
    ;({ userContext, user, adminContext, admin } = await userAndAdmin(browser))
    // A machine shared by several builds may take many minutes to compile the app once.
  }, 900_000)

  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })

  test('the dev user (1,000 signup credits) and the dev admin sign in', async () => {
    await signIn(user, app.url, 'user')
    await signIn(admin, app.url, 'admin')
    expect((await balance(userContext, app.url)).available).toBe(1000)
  }, 300_000)

  // First turn on this server: no turn has settled yet on this server, so the hold is the prompt and the
  // full 1,024 output tokens (0.53 credits and more), which a 0.3-credit balance cannot cover.
  test('a user with 0.3 credits gets an answer fitted to the balance, charged exactly, and sees the notice', async () => {
    const { account, available } = await balance(userContext, app.url)
    expect(available).toBe(1000)
    const deduct = await adminContext.request.post(`${app.url}/api/credits/deduct`, {
      data: { account, credits: 999.7, reason: 'e2e small balance', idempotencyKey: `small-${Date.now()}` },
    })
    expect(deduct.status(), await deduct.text()).toBe(200)
    expect(await units()).toBe(300)

    await user.goto(`${app.url}/`)
    await user.getByLabel('Message').fill('Tell me about metering, at length.')
    const responsePromise = user.waitForResponse((r) => r.url().endsWith('/api/turn_response'))
    await user.getByRole('button', { name: 'Send' }).click()
    const response = await responsePromise
    expect(response.status()).toBe(200)
    // The cap the balance affords: above the route's 256-token floor, below the full 1,024.
    const fitted = Number(response.headers()['fitted-output-tokens'])
    expect(fitted).toBeGreaterThanOrEqual(256)
    expect(fitted).toBeLessThan(1024)
    const usage = turnUsage(await response.text())
    expect(usage.output_tokens).toBeLessThanOrEqual(fitted)

    const notice = user.getByTestId('fitted-notice')
    await expect.poll(() => notice.textContent()).toContain(`at most ${fitted.toLocaleString('en-US')} tokens`)
    const left = 300 - chatTurnUnits(usage)
    await expect.poll(units).toBe(left)
    expect(left).toBeGreaterThanOrEqual(0)
    expect((await balance(userContext, app.url)).held).toBe(0)
    await expect.poll(() => headerCredits(user)).toBe(formatCredits(left / 1000))
  }, 300_000)

  let subscribedAt = 0
  let sessionCompleted: Delivery | null = null

  test('subscribing to Starter through the development checkout grants its 5,000 credits once', async () => {
    const before = await units()
    await user.goto(`${app.url}/billing`)
    await expect.poll(() => user.getByTestId('current-plan').textContent()).toContain('No plan')
    const starter = user.locator('li[data-plan="starter"]')
    await expect.poll(() => starter.textContent()).toContain('5,000 credits')
    await starter.getByRole('button', { name: 'Subscribe' }).click()
    await user.waitForURL(/\/checkout\/dev\?session_id=/)
    await expect.poll(() => user.getByText('Starter: 5,000 credits / month').count()).toBe(1)
    sessionCompleted = await payAtDevCheckout(user)
    expect(JSON.parse(sessionCompleted.payload)).toMatchObject({
      type: 'checkout.session.completed',
      data: { object: { mode: 'subscription' } },
    })
    await user.waitForURL(/\/checkout\/success\?session_id=/)
    // The first invoice.paid arrives on its own; the page polls until it has granted.
    const granted = user.locator('[data-status="granted"]')
    await expect
      .poll(() => granted.textContent(), { timeout: 30_000 })
      .toContain('subscribed to Starter: 5,000 credits')
    subscribedAt = await units()
    expect(subscribedAt - before).toBe(5_000_000)
    await expect.poll(() => headerCredits(user)).toBe(formatCredits(subscribedAt / 1000))

    await user.goto(`${app.url}/billing`)
    await expect.poll(() => user.getByTestId('current-plan').textContent()).toContain('You are on Starter')
    expect(await user.locator('li[data-plan="starter"][aria-current="true"]').count()).toBe(1)
  }, 300_000)

  test("the session's webhook redelivered and the portal link grant nothing more", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await redeliver(app.url, sessionCompleted)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ outcome: 'subscribed' })
    }
    // "Manage plan" opens the account's own customer portal (the development stand-in here).
    await user.goto(`${app.url}/billing`)
    await user.locator('li[data-plan="starter"]').getByRole('button', { name: 'Manage plan' }).click()
    await user.waitForURL(/\/billing\/dev-portal$/)
    expect(await units()).toBe(subscribedAt)
    // Another account has no customer: no portal of anyone else's.
    const other = await adminContext.request.post(`${app.url}/api/billing/portal`, { data: {} })
    expect(other.status()).toBe(404)
  }, 300_000)

  test('with automatic top-up on, three turns crossing the threshold at once buy exactly one pack', async () => {
    const start = await units()
    // Just under the balance: any turn's hold crosses it.
    const threshold = (start - 10) / 1000
    await user.goto(`${app.url}/billing`)
    const form = user.getByRole('form', { name: 'Automatic top-up' })
    // The form shows the saved settings once they are read (Save is disabled until then); what is
    // typed before that would be replaced by them.
    await expect.poll(() => form.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true)
    expect(await form.getByLabel('When credits fall below').inputValue()).toBe('0')
    await form.getByLabel('Top up automatically').check()
    await form.getByLabel('When credits fall below').fill(String(threshold))
    await form.getByLabel('Buy', { exact: true }).selectOption('pack-1')
    const saved = user.waitForResponse((r) => r.url().endsWith('/api/auto-top-up') && r.request().method() === 'POST')
    await form.getByRole('button', { name: 'Save' }).click()
    expect((await saved).status()).toBe(200)
    expect(await (await userContext.request.get(`${app.url}/api/auto-top-up`)).json()).toEqual({
      enabled: true,
      threshold,
      packId: 'pack-1',
      paused: null,
    })
    expect(await units()).toBe(start)

    // The card saved by the plan's checkout is charged once; its webhook grants 1,000 credits.
    const responses = await Promise.all([1, 2, 3].map((i) => turn(userContext, `Spend a little, ${i}.`)))
    let charged = 0
    for (const res of responses) {
      expect(res.status(), await res.text()).toBe(200)
      charged += chatTurnUnits(turnUsage(await res.text()))
    }
    const expected = start - charged + 1_000_000
    await expect.poll(units, { timeout: 30_000 }).toBe(expected)
    // Nothing else is coming: the next turn stays above the threshold and charges only itself.
    const next = await turn(userContext, 'And one more.')
    expect(next.status()).toBe(200)
    const last = chatTurnUnits(turnUsage(await next.text()))
    await expect.poll(units).toBe(expected - last)
    const history = await userContext.request.get(`${app.url}/api/credits/history?limit=100`)
    const entries = ((await history.json()) as { entries: Array<{ type: string; reason: string }> }).entries
    expect(entries.filter((e) => e.type === 'grant' && e.reason === 'auto_top_up')).toHaveLength(1)
    expect(entries.filter((e) => e.type === 'grant' && e.reason === 'plan')).toHaveLength(1)
  }, 300_000)
})
