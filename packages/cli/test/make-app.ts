import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createNextAppTsconfig } from '@metered/tooling/next-tsconfig'
import type { Io } from '../src/init.js'

const made: string[] = []

/** A throwaway app directory holding exactly these files (removed by `removeApps`). */
export async function makeApp(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'metered-cli-'))
  made.push(root)
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

/** The tsconfig create-next-app 15 writes (the Next.js `nextApp` pins), with its `@/` alias. */
export const CNA_TSCONFIG = JSON.stringify(createNextAppTsconfig(15))

export const LAYOUT = `import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "App" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`

/** Better Auth's documented set-up (lib/auth.ts). */
export const BETTER_AUTH = `import { betterAuth } from "better-auth";
import { Pool } from "pg";

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
});
`

/** Auth.js v5's documented set-up (auth.ts). */
export const AUTHJS = `import NextAuth from "next-auth"
import GitHub from "next-auth/providers/github"

export const { handlers, signIn, signOut, auth } = NextAuth({
  providers: [GitHub],
})
`

/** A create-next-app shaped app: package.json, tsconfig with the @/ alias, app/layout.tsx. */
export function nextApp(extra: Record<string, string> = {}, dependencies: Record<string, string> = {}) {
  return makeApp({
    'package.json': JSON.stringify({ name: 'app', dependencies: { next: '15.2.4', react: '^19', ...dependencies } }),
    'tsconfig.json': CNA_TSCONFIG,
    'app/layout.tsx': LAYOUT,
    'app/page.tsx': 'export default function Page() { return null }\n',
    ...extra,
  })
}

/** An Io that records what init printed and answers every question with `answer` (null: no TTY). */
export function recordingIo(answer: boolean | null = null): Io & { text(): string; questions: string[] } {
  const lines: string[] = []
  const questions: string[] = []
  return {
    log: (text) => lines.push(text),
    ask:
      answer === null
        ? null
        : async (question) => {
            questions.push(question)
            return answer
          },
    text: () => lines.join('\n'),
    questions,
  }
}

/** Removes every app directory `makeApp` created in this test file. */
export async function removeApps(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
}
