/** Types of next-tsconfig.mjs, for the TypeScript tests that use it. */
export type NextMajor = 14 | 15 | 16
export interface AppTsconfig {
  compilerOptions: Record<string, unknown>
  include: string[]
  exclude?: string[]
}
export const nextMajors: readonly NextMajor[]
/** tsconfig.json as create-next-app writes it for `major`, with `overrides` applied. */
export function createNextAppTsconfig(
  major: NextMajor,
  overrides?: { compilerOptions?: Record<string, unknown>; include?: string[]; exclude?: string[] },
): AppTsconfig
