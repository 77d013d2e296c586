import {
  createTestDatabase,
  ENDLESS_PROMPT,
  ENDLESS_START,
  FAKE_USAGE,
  startFakeOpenAI,
  startUpstashBridge,
  type UpstashBridge,
} from '@metered/tooling'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AppServer } from './app-server'
import { openPage, startAppAndBrowser } from './app-session'
import { balance, formatCredits, headerCredits, payAtDevCheckout, redeliver, signIn } from './helpers'
import { screenshot } from './screenshots'

// The same app on a real PostgreSQL server (DATABASE_URL, as a deployment would have it): the root
// vitest global setup starts a throwaway one. Each run gets a database of its own.
const serverUrl = process.env.DATABASE_URL

let app: AppServer
let browser: Browser
let context: BrowserContext
let page: Page
let dropDatabase: () => Promise<void> = async () => {}
let upstash: UpstashBridge | undefined
let openai: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined

/** The same app on PostgreSQL (and Upstash-protocol Redis for limits): signup once, exact charges, 429 bursts, webhook redeliveries. */
export function postgresSuite(): void {
  describe.skipIf(!serverUrl)('starter on PostgreSQL (DATABASE_URL)', () => {
    beforeAll(async () => {
      const database = await createTestDatabase({ prefix: 'starter_e2e', serverUrl: serverUrl ?? '' })
      dropDatabase = database.drop
      const databaseUrl = database.url
      // Limits in "Upstash" (the real @upstash/redis client, through tooling's loopback REST bridge
      // to the test redis-server), money in Postgres: the production set-up.
      if (process.env.REDIS_URL) upstash = await startUpstashBridge(process.env.REDIS_URL)
      // This server talks to "OpenAI" through the real SDK (a loopback fake), not the demo model.
      openai = await startFakeOpenAI()
      const env: Record<string, string> = { OPENAI_API_KEY: 'sk-test-fake', OPENAI_BASE_URL: openai.url }
      if (upstash) {
        Object.assign(env, {
          UPSTASH_REDIS_REST_URL: upstash.url,
          UPSTASH_REDIS_REST_TOKEN: upstash.token,
          // Keys of their own, in case REDIS_URL is a long-lived server.
          METERED_REDIS_PREFIX: `${database.name}:`,
        })
      }
      ;({ app, browser } = await startAppAndBrowser('starter e2e postgres', { name: 'postgres', databaseUrl, env }))
      context = await browser.newContext()
      page = await openPage(context)
    })

    afterAll(async () => {
      await browser?.close()
      await app?.stop()
      await openai?.close()
      await upstash?.close()
      await dropDatabase()
    })

    test('sign-in grants the signup credits once, in Postgres', async () => {
      await signIn(page, app.url, 'user')
      await expect.poll(() => headerCredits(page)).toBe('1,000 credits')
      // Signing in again does not grant again (idempotency key signup:<user id>).
      await context.clearCookies()
      await signIn(page, app.url, 'user')
      await expect.poll(() => headerCredits(page)).toBe('1,000 credits')
      expect((await balance(context, app.url)).available).toBe(1000)
    })

    test('a chat turn through the openai SDK is charged its usage, cached input at the cached price', async () => {
      const res = await context.request.post(`${app.url}/api/turn_response`, {
        data: { messages: [{ role: 'user', content: 'Hello from Postgres' }], tools: ['web_search'] },
      })
      expect(res.status()).toBe(200)
      expect(res.headers()['ratelimit-policy']).toContain('minute')
      const text = await res.text()
      expect(text).toContain('data: {"event":"response.output_text.delta"')
      expect(text).toContain('fake ')
      // What reached "OpenAI": the server's model, instructions, tools and output cap, the key.
      const call = openai?.calls.find((c) => c.path === '/v1/responses')
      expect(call?.authorization).toBe('Bearer sk-test-fake')
      expect(call?.body).toMatchObject({
        model: 'gpt-4.1-nano',
        stream: true,
        max_output_tokens: 1024,
        tools: [{ type: 'web_search' }],
        input: [{ role: 'user', content: 'Hello from Postgres' }],
      })
      // $0.10/1M uncached input, $0.025/1M cached, $0.40/1M output, x 1.3, in milli-credits:
      // 1.3 x (0.1 x 20 + 0.025 x 100 + 0.4 x 30) = 21.45 -> 22 units, rounded up once.
      const uncached = FAKE_USAGE.input_tokens - FAKE_USAGE.cached_tokens
      const units = Math.ceil(
        (1.3 * (0.1 * uncached + 0.025 * FAKE_USAGE.cached_tokens + 0.4 * FAKE_USAGE.output_tokens) * 1000) / 1000,
      )
      expect(units).toBe(22)
      await expect.poll(async () => (await balance(context, app.url)).available).toBe((1_000_000 - units) / 1000)
    })

    // A turn the model never finishes, so the test waits for real states (text on screen, the hold
    // in place) instead of racing a short reply to the button.
    test('Stop ends the turn: the call to the model is cancelled, the produced part charged, the rest of the hold released', async () => {
      const before = await balance(context, app.url)
      await page.goto(`${app.url}/`)
      await page.getByLabel('Message').fill(ENDLESS_PROMPT)
      await page.getByRole('button', { name: 'Send' }).click()
      await expect.poll(() => page.locator('li.assistant').textContent()).toContain(ENDLESS_START.join('').trim())
      // While the model writes, its worst case (prompt + 1,024 output tokens) is on hold.
      const during = await balance(context, app.url)
      expect(during.held).toBeGreaterThan(0)
      expect(Math.round((before.available - during.available) * 1000)).toBe(Math.round(during.held * 1000))

      await page.getByRole('button', { name: 'Stop' }).click()
      await expect.poll(() => page.getByTestId('turn-stopped').isVisible()).toBe(true)
      await expect.poll(() => openai?.calls.findLast((c) => c.path === '/v1/responses')?.closedEarly).toBe(true)
      await expect.poll(async () => (await balance(context, app.url)).held).toBe(0)
      const after = await balance(context, app.url)
      const charged = Math.round((before.available - after.available) * 1000)
      // The prompt and the words produced are paid for; the unused part of the hold comes back.
      expect(charged).toBeGreaterThan(0)
      expect(charged).toBeLessThan(Math.round(during.held * 1000))
      await expect.poll(() => headerCredits(page)).toBe(formatCredits(after.available))
      await screenshot(page, 'stopped')
    })

    test('a burst over the token bucket is refused with 429 and consumes nothing', async () => {
      const before = await balance(context, app.url)
      upstash?.resetCount()
      // Sent at once; a busy machine may take seconds to serve them, and the bucket gains a token
      // every second meanwhile, so the burst is three times its capacity and the bound counts them.
      const burst = 30
      const started = Date.now()
      const statuses = await Promise.all(
        Array.from({ length: burst }, () =>
          context.request
            .post(`${app.url}/api/generate-image`, {
              data: { prompt: 'burst', n: 1, size: '1024x1024', quality: 'low' },
            })
            .then(async (r) => ({ status: r.status(), retryAfter: r.headers()['retry-after'], body: await r.text() })),
        ),
      )
      const refills = Math.ceil((Date.now() - started) / 1000)
      const ok = statuses.filter((s) => s.status === 200)
      const limited = statuses.filter((s) => s.status === 429)
      expect(ok.length + limited.length).toBe(burst)
      // capacity 10, refilled one a second: never more passed than the bucket could hold and gain
      expect(ok.length).toBeLessThanOrEqual(10 + refills)
      expect(limited.length).toBeGreaterThan(0)
      expect(Number(limited[0]?.retryAfter)).toBeGreaterThan(0)
      expect(JSON.parse(limited[0]?.body ?? '{}')).toMatchObject({ status: 429 })
      // Only the admitted calls were charged: 14.3 credits each (low, 1024x1024: $0.011 x 1.3).
      const after = await balance(context, app.url)
      expect(Math.round((before.available - after.available) * 1000)).toBe(ok.length * 14_300)
      // The limits were checked in Redis (through the Upstash REST client) when it is configured.
      if (upstash) expect(upstash.commands).toBeGreaterThanOrEqual(burst)
    })

    test('the $1 pack grants 1,000 credits once, however often the webhook is delivered', async () => {
      const before = await balance(context, app.url)
      await page.goto(`${app.url}/buy-credits`)
      await page.getByRole('button', { name: 'Buy 1,000 credits for $1.00' }).click()
      await page.waitForURL(/\/checkout\/dev\?session_id=/)
      const delivery = await payAtDevCheckout(page)
      await page.waitForURL(/\/checkout\/success\?session_id=/)
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('1,000 credits were added')
      const replays = await Promise.all(
        Array.from({ length: 5 }, () => redeliver(app.url, delivery).then((r) => r.status)),
      )
      expect(replays).toEqual([200, 200, 200, 200, 200])
      const after = await balance(context, app.url)
      expect(Math.round((after.available - before.available) * 1000)).toBe(1_000_000)
    })

    test('images through the openai SDK are charged per returned image', async () => {
      const before = await balance(context, app.url)
      const res = await context.request.post(`${app.url}/api/generate-image`, {
        data: { prompt: 'a red fox', n: 3, size: '1536x1024', quality: 'high' },
      })
      expect(res.status()).toBe(200)
      expect(((await res.json()) as { images: unknown[] }).images).toHaveLength(3)
      expect(openai?.calls.findLast((c) => c.path === '/v1/images/generations')?.body).toMatchObject({
        model: 'gpt-image-1',
        n: 3,
        size: '1536x1024',
        quality: 'high',
      })
      // 3 x $0.25 (high, 1536x1024) x 1.3 = $0.975 = 975 credits
      const after = await balance(context, app.url)
      expect(Math.round((before.available - after.available) * 1000)).toBe(975_000)
    })
  })
}
