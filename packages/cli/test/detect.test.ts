import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { detect, NotAnAppError } from '../src/detect.js'
import { makeApp, nextApp, removeApps } from './make-app.js'

afterAll(removeApps)

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}/`, import.meta.url))

describe('detect', () => {
  it('reads the starter-shaped fixture: Next 15, app/, no auth, the @/ alias, its layout', async () => {
    const found = await detect(fixture('starter-shaped'))
    expect(found).toMatchObject({
      base: '',
      typescript: true,
      nextMajor: 15,
      auth: 'none',
      db: 'pglite',
      redis: 'none',
      stripeKeys: false,
      alias: '@/',
      layout: 'app/layout.tsx',
      packageManager: 'npm',
    })
  })

  it('finds src/app, and an alias that points into src/ (tsconfig with comments and trailing commas)', async () => {
    const root = await makeApp({
      'package.json': '{"dependencies":{"next":"^14.2.3"}}',
      'tsconfig.json': '{\n  // paths\n  "compilerOptions": { "paths": { "~/*": ["./src/*"], }, },\n}',
      'src/app/layout.tsx': 'export default function L() {}',
      'pnpm-lock.yaml': '',
    })
    expect(await detect(root)).toMatchObject({
      base: 'src/',
      nextMajor: 14,
      alias: '~/',
      layout: 'src/app/layout.tsx',
      packageManager: 'pnpm',
    })
  })

  it('has no alias when the tsconfig paths do not point at the base dir', async () => {
    const root = await makeApp({
      'package.json': '{}',
      'tsconfig.json': '{"compilerOptions":{"paths":{"@/*":["./src/*"]}}}',
      'app/page.tsx': '',
    })
    expect((await detect(root)).alias).toBeNull()
  })

  it.each([
    [{ 'next-auth': '^4.24.7' }, 'next-auth'],
    [{ 'next-auth': '5.0.0-beta.25' }, 'authjs'],
    [{ 'next-auth': '^5.0.0' }, 'authjs'],
    [{ 'better-auth': '^1.2.0' }, 'better-auth'],
    [{}, 'none'],
  ])('tells the auth library from package.json %o -> %s', async (deps, auth) => {
    expect((await detect(await nextApp({}, deps))).auth).toBe(auth)
  })

  it('finds the module exporting authOptions (next-auth v4) or auth (Auth.js v5)', async () => {
    const v4 = await nextApp({ 'lib/auth.ts': 'export const authOptions = {}\n' }, { 'next-auth': '^4' })
    expect((await detect(v4)).authModule).toBe('lib/auth')
    const v5 = await nextApp({ 'auth.ts': 'export const { auth, handlers } = NextAuth({})\n' }, { 'next-auth': '^5' })
    expect((await detect(v5)).authModule).toBe('auth')
  })

  it('reads DATABASE_URL, Upstash and Stripe keys from .env files, and ignores .env.example and empty values', async () => {
    const root = await nextApp({
      '.env.local': 'DATABASE_URL=postgres://x\nSTRIPE_SECRET_KEY=""\n',
      '.env': 'export UPSTASH_REDIS_REST_URL=https://u\n',
      '.env.example': 'STRIPE_SECRET_KEY=sk_test_x\n',
    })
    expect(await detect(root)).toMatchObject({ db: 'postgres', redis: 'upstash', stripeKeys: false })
  })

  it('refuses a directory without package.json or without an App Router', async () => {
    await expect(detect(await makeApp({ 'app/page.tsx': '' }))).rejects.toThrow(NotAnAppError)
    await expect(detect(await makeApp({ 'package.json': '{}', 'pages/index.tsx': '' }))).rejects.toThrow(
      /App Router only/,
    )
  })
})
