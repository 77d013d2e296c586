import { describe, expect, it } from 'vitest'
import { editNextConfig, newNextConfig, PGLITE } from '../src/next-config.js'

const CNA15 = `import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  /* config options here */
};

export default nextConfig;
`

const STARTER = `/** @type {import('next').NextConfig} */
const nextConfig = {
  devIndicators: false,
};

export default nextConfig;
`

describe('editNextConfig (PGlite left external so its WASM and data files load)', () => {
  it('adds serverExternalPackages as the first property of a create-next-app config, changing nothing else', () => {
    const edit = editNextConfig(CNA15, 15)
    expect(edit.kind).toBe('insert')
    const text = edit.kind === 'insert' ? edit.text : ''
    expect(text).toContain(`  serverExternalPackages: ['${PGLITE}'],\n  /* config options here */`)
    expect(text.replace(`\n  serverExternalPackages: ['${PGLITE}'],`, '')).toBe(CNA15)
  })

  it("edits the starter's next.config.mjs the same way", () => {
    const edit = editNextConfig(STARTER, 15)
    expect(edit.kind === 'insert' && edit.text).toBe(
      STARTER.replace('{\n', `{\n  serverExternalPackages: ['${PGLITE}'],\n`),
    )
  })

  it('uses experimental.serverComponentsExternalPackages on Next 14', () => {
    const edit = editNextConfig('module.exports = {}\n', 14)
    expect(edit.kind === 'insert' && edit.text).toBe(
      `module.exports = {\n  experimental: { serverComponentsExternalPackages: ['${PGLITE}'] },\n}\n`,
    )
  })

  it('is idempotent: a config that names PGlite is left as it is', () => {
    const once = editNextConfig(STARTER, 16)
    expect(once.kind).toBe('insert')
    expect(editNextConfig(once.kind === 'insert' ? once.text : '', 16)).toEqual({ kind: 'present' })
  })

  it('prints the line instead of editing a config it cannot edit safely', () => {
    const wrapped = 'const withMDX = require("@next/mdx")()\nmodule.exports = withMDX({ pageExtensions: ["ts"] })\n'
    expect(editNextConfig(wrapped, 15)).toMatchObject({
      kind: 'manual',
      lines: `serverExternalPackages: ['${PGLITE}'],`,
    })
    const already = "const nextConfig = { serverExternalPackages: ['sharp'] }\nexport default nextConfig\n"
    expect(editNextConfig(already, 15)).toMatchObject({
      kind: 'manual',
      reason: 'it already sets serverExternalPackages',
    })
  })

  it('writes a whole config for an app without one', () => {
    expect(newNextConfig(15)).toContain(`serverExternalPackages: ['${PGLITE}']`)
    expect(newNextConfig(14)).toContain('serverComponentsExternalPackages')
  })
})
