/**
 * tsconfig.json as create-next-app (templates/app/ts) writes it, for each Next.js major: the one
 * source of the strict app tsconfig that the CLI's template check, the docs check and the Next.js
 * version matrix type-check against. `overrides` replaces top-level keys and compiler options
 * (a scratch app with its sources under src/, the Node types for a test).
 */
const common = {
  lib: ['dom', 'dom.iterable', 'esnext'],
  allowJs: true,
  skipLibCheck: true,
  strict: true,
  noEmit: true,
  esModuleInterop: true,
  module: 'esnext',
  moduleResolution: 'bundler',
  resolveJsonModule: true,
  isolatedModules: true,
  jsx: 'preserve',
  incremental: true,
  plugins: [{ name: 'next' }],
  paths: { '@/*': ['./*'] },
}
const include = ['next-env.d.ts', '**/*.ts', '**/*.tsx', '.next/types/**/*.ts']

const byMajor = {
  14: { compilerOptions: common, include, exclude: ['node_modules'] },
  15: { compilerOptions: { target: 'ES2017', ...common }, include, exclude: ['node_modules'] },
  16: {
    compilerOptions: { target: 'ES2017', ...common, jsx: 'react-jsx' },
    include: [...include, '.next/dev/types/**/*.ts', '**/*.mts'],
    exclude: ['node_modules'],
  },
}

/** The Next.js majors create-next-app's tsconfig is known for. */
export const nextMajors = /** @type {const} */ ([14, 15, 16])

export function createNextAppTsconfig(major, overrides = {}) {
  const base = byMajor[major]
  if (!base) throw new Error(`no create-next-app tsconfig for Next.js ${major} (known: ${nextMajors.join(', ')})`)
  const { compilerOptions, ...rest } = overrides
  return { ...base, ...rest, compilerOptions: { ...base.compilerOptions, ...compilerOptions } }
}
