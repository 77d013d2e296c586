/** Types of pack.mjs, for the TypeScript tests that use it. */
export const root: string
export function pnpm(): string[]
export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; log: string; env?: Record<string, string>; timeoutMs?: number; label?: string },
): Promise<{ code: number; text: string }>
export function why(text: string): string
export function pack(dir: string, packages: string[]): Promise<string[]>
