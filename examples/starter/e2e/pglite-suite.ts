import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AppServer } from './app-server'
import { openPage, startAppAndBrowser, userAndAdmin } from './app-session'
import {
  balance,
  chatTurnUnits,
  credits,
  type Delivery,
  formatCredits,
  headerCredits,
  payAtDevCheckout,
  redeliver,
  signIn,
} from './helpers'
import { screenshot } from './screenshots'

let app: AppServer
let browser: Browser
let userContext: BrowserContext
let user: Page
let adminContext: BrowserContext
let admin: Page
let userAccount: string
let webhook: Delivery | null = null
let successUrl = ''

/** The whole tour on the embedded defaults: PGlite, demo model, dev sign-in and dev checkout. */
export function pgliteSuite(): void {
  describe('starter on PGlite, demo model, dev sign-in and checkout', () => {
    beforeAll(async () => {
      ;({ app, browser } = await startAppAndBrowser('starter e2e', { name: 'pglite' }))
      ;({ userContext, user, adminContext, admin } = await userAndAdmin(browser))
    })

    afterAll(async () => {
      await browser?.close()
      await app?.stop()
    })

    test('the dev user signs in and the header shows the 1,000 signup credits', async () => {
      await signIn(user, app.url, 'user')
      await expect.poll(() => headerCredits(user)).toBe('1,000 credits')
      const b = await balance(userContext, app.url)
      expect(b.available).toBe(1000)
      userAccount = b.account
    })

    test('turn_response without a session is a 401 problem', async () => {
      const res = await fetch(`${app.url}/api/turn_response`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      })
      expect(res.status).toBe(401)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect(await res.json()).toMatchObject({
        status: 401,
        type: 'urn:metered:problem:unauthenticated',
        code: 'unauthenticated',
      })
    })

    test('a signed-out visitor who sends a message is asked to sign in', async () => {
      const guest = await browser.newContext()
      try {
        const page = await openPage(guest)
        await page.goto(`${app.url}/`)
        await page.getByLabel('Message').fill('hello?')
        const refused = page.waitForResponse((r) => r.url().endsWith('/api/turn_response'))
        await page.getByRole('button', { name: 'Send' }).click()
        expect((await refused).status()).toBe(401)
        const alert = page.getByRole('alert').filter({ hasText: 'Sign in' })
        await expect.poll(() => alert.count()).toBe(1)
        expect(await alert.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin')
      } finally {
        await guest.close()
      }
    })

    test('chat streams the demo reply and the balance drops by exactly the priced turn', async () => {
      const before = await balance(userContext, app.url)
      await user.goto(`${app.url}/`)
      // Record the assistant bubble's length at every change, to see the text arrive in pieces.
      await user.evaluate(() => {
        const lengths: number[] = []
        ;(window as unknown as { __lengths: number[] }).__lengths = lengths
        const log = document.querySelector('[data-testid="chat-log"]')
        if (!log) throw new Error('no chat log')
        new MutationObserver(() => {
          const last = log.querySelector('li.assistant')
          if (last) lengths.push(last.textContent?.length ?? 0)
        }).observe(log, { subtree: true, childList: true, characterData: true })
      })
      await user.getByLabel('Message').fill('What does metering mean?')
      const responsePromise = user.waitForResponse((r) => r.url().endsWith('/api/turn_response'))
      await user.getByRole('button', { name: 'Send' }).click()
      const response = await responsePromise
      expect(response.status()).toBe(200)
      expect(response.headers()['content-type']).toContain('text/event-stream')
      const body = await response.text()
      const events = body
        .split('\n\n')
        .filter((chunk) => chunk.startsWith('data: '))
        .map((chunk) => JSON.parse(chunk.slice(6)) as { event: string; data: Record<string, unknown> })
      expect(events[0]?.event).toBe('response.created')
      const completed = events.find((e) => e.event === 'response.completed')
      if (!completed) throw new Error('no response.completed event in the stream')
      const usage = (completed.data.response as { usage: { input_tokens: number; output_tokens: number } }).usage
      const charged = credits(chatTurnUnits(usage))

      const assistant = user.locator('li.assistant')
      await expect.poll(() => assistant.textContent()).toContain('[DEMO MODEL]')
      await expect.poll(() => assistant.textContent()).toContain('Set OPENAI_API_KEY to talk to the real model.')
      const lengths = await user.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths)
      expect(new Set(lengths).size).toBeGreaterThan(5)

      const expected = Math.round((before.available - charged) * 1000) / 1000
      await expect.poll(async () => (await balance(userContext, app.url)).available).toBe(expected)
      expect((await balance(userContext, app.url)).held).toBe(0)
      await expect.poll(() => headerCredits(user)).toBe(formatCredits(expected))
      expect(charged).toBeGreaterThan(0)
      expect(charged).toBeLessThan(1)
      await screenshot(user, 'chat')
    })

    test('image generation (demo) charges by count, size and quality', async () => {
      const before = await balance(userContext, app.url)
      await user.goto(`${app.url}/images`)
      await user.getByLabel('Prompt').fill('a lighthouse at dusk')
      await user.getByLabel('Images', { exact: true }).selectOption('2')
      await user.getByLabel('Size', { exact: true }).selectOption('1024x1536')
      await user.getByLabel('Quality', { exact: true }).selectOption('medium')
      await user.getByRole('button', { name: 'Generate' }).click()
      await expect.poll(() => user.getByTestId('images').locator('img').count()).toBe(2)
      // 2 x $0.063 (medium, 1024x1536) x 1.3 = $0.1638 = 163.8 credits
      const after = await balance(userContext, app.url)
      expect(Math.round((before.available - after.available) * 1000)).toBe(163_800)
      await expect.poll(() => headerCredits(user)).toBe(formatCredits(after.available))
    })

    test('buying the $5 pack through the development checkout grants 5,050 credits', async () => {
      const before = await balance(userContext, app.url)
      await user.goto(`${app.url}/buy-credits`)
      await user.getByRole('button', { name: 'Buy 5,050 credits for $5.00' }).click()
      await user.waitForURL(/\/checkout\/dev\?session_id=/)
      webhook = await payAtDevCheckout(user)
      await user.waitForURL(/\/checkout\/success\?session_id=/)
      successUrl = user.url()
      const granted = user.locator('[data-status="granted"]')
      await expect.poll(() => granted.textContent()).toContain('5,050 credits were added')
      const after = await balance(userContext, app.url)
      expect(Math.round((after.available - before.available) * 1000)).toBe(5_050_000)
      await expect.poll(() => headerCredits(user)).toBe(formatCredits(after.available))
    })

    test('replaying the same signed webhook does not grant twice', async () => {
      expect(webhook?.signature).toMatch(/^t=\d+,v1=/)
      const before = await balance(userContext, app.url)
      for (let i = 0; i < 2; i++) {
        const res = await redeliver(app.url, webhook)
        expect(res.status).toBe(200)
      }
      // A tampered body fails the signature check.
      const forged = await redeliver(app.url, webhook, (webhook?.payload ?? '').replace('"paid"', '"PAID"'))
      expect(forged.status).toBe(400)
      expect((await balance(userContext, app.url)).available).toBe(before.available)
    })

    test('a non-admin gets 403 from the admin API and "forbidden" on /admin', async () => {
      const res = await userContext.request.get(`${app.url}/api/admin/users`)
      expect(res.status()).toBe(403)
      expect(res.headers()['content-type']).toContain('application/problem+json')
      await user.goto(`${app.url}/admin`)
      await expect.poll(() => user.getByTestId('forbidden').textContent()).toContain('Forbidden')
    })

    test('the dev admin grants credits on /admin and the user sees them', async () => {
      const before = await balance(userContext, app.url)
      await signIn(admin, app.url, 'admin')
      await admin.goto(`${app.url}/admin`)
      await admin.getByLabel('Search users').fill('dev.user@')
      await admin.getByRole('button', { name: 'Search', exact: true }).click()
      await admin.getByRole('button', { name: /Dev User/ }).click()
      await admin.getByLabel('Grant', { exact: true }).check()
      await admin.getByLabel('Credits', { exact: true }).fill('250')
      await admin.getByLabel('Reason', { exact: true }).fill('e2e goodwill')
      await admin.getByRole('button', { name: 'Grant credits' }).click()
      await expect.poll(() => admin.getByText('Granted 250 credits.').count()).toBe(1)
      const after = await balance(userContext, app.url)
      expect(Math.round((after.available - before.available) * 1000)).toBe(250_000)
      await user.goto(`${app.url}/profile`)
      await expect.poll(() => headerCredits(user)).toBe(formatCredits(after.available))
      await expect.poll(() => user.getByText('e2e goodwill').count()).toBeGreaterThan(0)
    })

    test("another account opening the buyer's success page sees a clean 'not found', nothing of the buyer's", async () => {
      expect(successUrl).toMatch(/session_id=cs_dev_/)
      const res = await admin.goto(successUrl)
      expect(res?.status()).toBe(200)
      await expect.poll(() => admin.getByText('We could not find this checkout for your account.').count()).toBe(1)
      expect(await admin.locator('p[data-status]').count()).toBe(0) // no status of the buyer's session
      expect(await admin.content()).not.toContain('5,050')
      // The buyer still sees their purchase.
      await user.goto(successUrl)
      await expect.poll(() => user.locator('[data-status="granted"]').count()).toBe(1)
    })

    test('the admin makes the user an admin and back; the API follows the stored role', async () => {
      await admin.goto(`${app.url}/admin`)
      const row = admin.getByRole('row').filter({ hasText: 'dev.user@example.dev' })
      await row.getByRole('button', { name: 'Make admin' }).click()
      await expect.poll(() => row.getByRole('button', { name: 'Make user' }).count()).toBe(1)
      expect((await userContext.request.get(`${app.url}/api/admin/users`)).status()).toBe(200)
      await row.getByRole('button', { name: 'Make user' }).click()
      await expect.poll(() => row.getByRole('button', { name: 'Make admin' }).count()).toBe(1)
      expect((await userContext.request.get(`${app.url}/api/admin/users`)).status()).toBe(403)
    })

    test('with the balance drained by the admin, chat shows the 402 notice with a buy link', async () => {
      const { available } = await balance(userContext, app.url)
      const deduct = await adminContext.request.post(`${app.url}/api/credits/deduct`, {
        data: { account: userAccount, credits: available, reason: 'e2e drain', idempotencyKey: `drain-${Date.now()}` },
      })
      expect(deduct.status(), await deduct.text()).toBe(200)
      expect((await balance(userContext, app.url)).available).toBe(0)
      await user.goto(`${app.url}/`)
      await user.getByLabel('Message').fill('Are you still there?')
      const responsePromise = user.waitForResponse((r) => r.url().endsWith('/api/turn_response'))
      await user.getByRole('button', { name: 'Send' }).click()
      const response = await responsePromise
      expect(response.status()).toBe(402)
      const alert = user.getByRole('alert').filter({ hasText: 'Not enough credits' })
      await expect.poll(() => alert.count()).toBe(1)
      expect(await alert.getByRole('link', { name: 'Buy credits' }).getAttribute('href')).toBe('/buy-credits')
      expect((await balance(userContext, app.url)).available).toBe(0)
      await screenshot(user, 'refused')
    })

    test('proxy.ts limits each client IP on /api before any auth or database work', async () => {
      const hit = (ip: string) =>
        fetch(`${app.url}/api/credits/balance`, { headers: { 'X-Forwarded-For': ip } }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: await r.text(),
        }))
      // 300 requests a minute per IP pass (401 here: no session); then the proxy refuses. The sliding
      // window weighs the previous minute down as time passes: batches that straddle a minute
      // boundary on a slow machine get more than 300 through, so send until the first refusal.
      // The window's count never exceeds what passed, so at least 300 pass before it.
      const results: Array<{ status: number; retryAfter: string | null; body: string }> = []
      while (results.length < 2_000 && !results.some((r) => r.status === 429))
        results.push(...(await Promise.all(Array.from({ length: 50 }, () => hit('203.0.113.7')))))
      const refused = results.filter((r) => r.status === 429)
      const passed = results.filter((r) => r.status === 401).length
      expect(passed).toBeGreaterThanOrEqual(300)
      expect(refused.length).toBeGreaterThan(0)
      expect(passed + refused.length).toBe(results.length)
      expect(Number(refused[0]?.retryAfter)).toBeGreaterThan(0)
      expect(JSON.parse(refused[0]?.body ?? '{}')).toMatchObject({
        type: 'urn:metered:problem:rate_limited',
        code: 'rate_limited',
      })
      // Another address is not affected.
      expect((await hit('203.0.113.8')).status).toBe(401)
    }, 600_000)
  })
}
