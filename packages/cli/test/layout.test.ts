import { describe, expect, it } from 'vitest'
import { editLayout, LAYOUT_IMPORT } from '../src/layout.js'

const CNA16 = `import type { Metadata } from "next";
import "./globals.css";

export default function RootLayout({ children }: LayoutProps<"/">) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`

const STARTER = `import type { Metadata } from 'next'
import './globals.css'

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body
        className={\`\${a > b ? 'x' : 'y'} antialiased\`}
      >
        <div>
          <main>{children}</main>
        </div>
      </body>
    </html>
  )
}
`

/** The layout minus what the edit adds: proves nothing of the user's was changed or lost. */
function withoutInsertion(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/MeteredProvider|<CreditDisplay \/>/.test(l))
    .join('\n')
}

describe('editLayout', () => {
  it("spreads create-next-app's one-line <body>{children}</body> and wraps it", () => {
    const edit = editLayout(CNA16)
    expect(edit.kind).toBe('insert')
    if (edit.kind !== 'insert') return
    expect(edit.text).toContain(`import "./globals.css";\n${LAYOUT_IMPORT};\n`)
    expect(edit.text).toContain(
      '      <body>\n        <MeteredProvider>\n          <CreditDisplay />\n          {children}\n        </MeteredProvider>\n      </body>\n',
    )
  })

  it('inserts lines only when <body ...> (attributes over lines, `>` inside braces) and </body> stand alone', () => {
    const edit = editLayout(STARTER)
    expect(edit.kind).toBe('insert')
    if (edit.kind !== 'insert') return
    expect(withoutInsertion(edit.text)).toBe(STARTER)
    expect(edit.text).toContain(`import './globals.css'\n${LAYOUT_IMPORT}\n`)
    expect(edit.text).toMatch(/ {6}>\n {8}<MeteredProvider>\n {10}<CreditDisplay \/>\n {8}<div>/)
    expect(edit.text).toMatch(/ {8}<\/div>\n {8}<\/MeteredProvider>\n {6}<\/body>/)
  })

  it('reports a layout that already has the provider', () => {
    const edit = editLayout(CNA16)
    if (edit.kind !== 'insert') throw new Error('expected an insert')
    expect(editLayout(edit.text)).toEqual({ kind: 'present' })
  })

  it.each([
    ['no imports', 'export default function L({ children }) { return <html><body>\n{children}\n</body></html> }'],
    ['no body', 'import x from "y"\nexport default function L({ children }) { return children }'],
    ['two bodies', 'import x from "y"\nconst a = <body>\n</body>\nconst b = <body>\n</body>'],
    ['content after </body> opening line', 'import x from "y"\nconst a = (\n  <body>\n    {children}</body>\n)'],
  ])('leaves an unrecognisable layout alone (%s) and hands back the lines to add', (_why, text) => {
    const edit = editLayout(text)
    expect(edit.kind).toBe('manual')
    if (edit.kind === 'manual') expect(edit.lines).toContain(LAYOUT_IMPORT)
  })
})
