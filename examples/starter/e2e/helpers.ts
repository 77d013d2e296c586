import type { BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'

export interface Balance {
  account: string
  available: number
  held: number
}

/** `GET /api/credits/balance` with the context's session cookie. */
export async function balance(context: BrowserContext, url: string): Promise<Balance> {
  const res = await context.request.get(`${url}/api/credits/balance`)
  expect(res.status()).toBe(200)
  return (await res.json()) as Balance
}

/** Signs in through the development sign-in page, as a preset or by email. */
export async function signIn(page: Page, url: string, who: 'user' | 'admin'): Promise<void> {
  await page.goto(`${url}/signin`)
  await page.getByRole('button', { name: who === 'admin' ? 'Sign in as dev admin' : 'Sign in as dev user' }).click()
  await page.waitForURL(`${url}/`)
  await expect.poll(() => page.getByTestId('header-credits').count()).toBe(1)
}

/** The header's credits text, e.g. "1,000 credits". */
export async function headerCredits(page: Page): Promise<string> {
  return (await page.getByTestId('header-credits').textContent()) ?? ''
}

/** Ledger units of a chat turn: tokens at gpt-4.1-nano list price ($0.10 in, $0.40 out per 1M) x 1.3, rounded up once. */
export function chatTurnUnits(usage: { input_tokens: number; output_tokens: number }): number {
  // units = milli-credits = USD x 1e6 = 1.3 x (0.1 x in + 0.4 x out) = (13 in + 52 out) / 100
  return Math.ceil((13 * usage.input_tokens + 52 * usage.output_tokens) / 100)
}

export const credits = (units: number) => units / 1000

export function formatCredits(value: number): string {
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, roundingMode: 'trunc' } as Intl.NumberFormatOptions).format(value)} credits`
}

/** A webhook delivery as the app received it: the raw body and its Stripe signature. */
export interface Delivery {
  payload: string
  signature: string
}

/** Clicks "Pay (development)" on the development checkout and returns the signed webhook delivery it made. */
export async function payAtDevCheckout(page: Page): Promise<Delivery> {
  const delivery = page.waitForRequest((r) => r.url().endsWith('/api/webhooks/stripe') && r.method() === 'POST')
  await page.getByRole('button', { name: 'Pay (development)' }).click()
  const request = await delivery
  return { payload: request.postData() ?? '', signature: request.headers()['stripe-signature'] ?? '' }
}

/** Delivers `delivery` to the app's webhook route again; `body` in place of its payload is a tampered one. */
export function redeliver(url: string, delivery: Delivery | null, body = delivery?.payload ?? ''): Promise<Response> {
  return fetch(`${url}/api/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': delivery?.signature ?? '' },
    body,
  })
}
