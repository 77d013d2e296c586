import { afterEach, describe, expect, test, vi } from 'vitest'

// The development stand-ins must be off in production whatever else is (not) configured. In a
// `next build` NODE_ENV is inlined as 'production'; here the same modules are loaded with it set.
// (Checked by hand against `next build && next start` too: no providers, /checkout/dev is 404.)

const KEYS = [
  'GOOGLE_CLIENT_ID',
  'GOOGLE_CLIENT_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'OPENAI_API_KEY',
]

async function loadEnv(nodeEnv: string, vars: Record<string, string> = {}) {
  vi.resetModules()
  vi.stubEnv('NODE_ENV', nodeEnv)
  for (const key of KEYS) vi.stubEnv(key, '')
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value)
  return import('../lib/env')
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('development stand-ins', () => {
  test('are on in development without keys', async () => {
    const env = await loadEnv('development')
    expect(env.devSignInEnabled).toBe(true)
    expect(env.devCheckoutEnabled).toBe(true)
    expect(env.openaiConfigured).toBe(false)
  })

  test('are never on in production, even with no keys at all', async () => {
    const env = await loadEnv('production')
    expect(env.devSignInEnabled).toBe(false)
    expect(env.devCheckoutEnabled).toBe(false)
  })

  test('give way to the real services once their keys are set', async () => {
    const env = await loadEnv('development', {
      GOOGLE_CLIENT_ID: 'id',
      GOOGLE_CLIENT_SECRET: 'secret',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
    })
    expect(env.googleConfigured).toBe(true)
    expect(env.devSignInEnabled).toBe(false)
    expect(env.devCheckoutEnabled).toBe(false)
  })
})
