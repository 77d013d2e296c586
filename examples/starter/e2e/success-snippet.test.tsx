import { readFileSync } from 'node:fs'
import path from 'node:path'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { APP_DIR } from './app-server'
import Success from './readme-success-page'
import { dev, ledger, signedIn, stripeCredits } from './readme-success-setup'

// The README's success page, rendered as Next renders a server component: await it, then render.
async function page(account: string | null, sessionId: string): Promise<string> {
  signedIn.id = account
  const element = await Success({ searchParams: Promise.resolve({ session_id: sessionId }) })
  return renderToStaticMarkup(element)
}

describe("packages/stripe/README.md's success page", () => {
  test('is the code this test renders', () => {
    const readme = readFileSync(path.join(APP_DIR, '..', '..', 'packages', 'stripe', 'README.md'), 'utf8')
    const block = readme.slice(readme.indexOf('// app/checkout/success/page.tsx'))
    const documented = block.slice(block.indexOf('export default'), block.indexOf('```')).trim()
    const tested = readFileSync(path.join(APP_DIR, 'e2e', 'readme-success-page.tsx'), 'utf8')
    expect(tested.slice(tested.indexOf('export default')).trim()).toBe(documented)
  })

  test("shows a clean message, not an error, for another account's session, and its own credits to the buyer", async () => {
    const { sessionId } = await stripeCredits.checkout({ account: 'buyer', packId: 'pack-1' })
    await stripeCredits.webhook(await dev.pay(sessionId))
    expect((await ledger.balance('buyer')).available).toBe(1_000_000)

    const stranger = await page('stranger', sessionId)
    expect(stranger).toBe('<p>We could not find this checkout for your account.</p>')
    // Exactly what a session id that does not exist shows: nothing about the buyer leaks.
    expect(await page('stranger', 'cs_dev_does_not_exist')).toBe(stranger)
    expect(await page('stranger', 'x'.repeat(300))).toBe(stranger)

    expect(await page('buyer', sessionId)).toBe('<p>1,000 credits added.</p>')
  })
})
