/** Types of pack.mjs, for the TypeScript tests that use it. */
export function pnpm(): string[]
export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; log: string; env?: Record<string, string> },
): Promise<{ code: number; text: string }>
export function why(text: string): string
export function packPackages(dir: string, packages: string[]): Promise<string[]>
