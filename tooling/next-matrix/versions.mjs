/**
 * The Next.js versions @metered/next is built against, each with the React and type packages
 * that create-next-app of that major installs, and the pair the OpenAI Responses starter ships
 * (Next 15.2 with React 18; `id` tells two entries of one Next version apart). Next is pinned exactly (a new release must not
 * turn the check red overnight); bump the pins deliberately. The oldest entry is the floor of
 * the `next` peer range in packages/next/package.json.
 */
export const versions = [
  { next: '14.2.35', react: '^18', types: '^18', tsconfig: 'next14' },
  { next: '15.2.9', react: '^19', types: '^19', tsconfig: 'next15' },
  { next: '15.2.9', id: '15.2.9-react18', react: '^18', types: '^18', tsconfig: 'next15' },
  { next: '15.5.29', react: '^19', types: '^19', tsconfig: 'next15' },
  { next: '16.4.6', react: '^19', types: '^19', tsconfig: 'next16' },
]

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

/** tsconfig.json exactly as create-next-app (templates/app/ts) of each major writes it. */
export const tsconfigs = {
  next14: { compilerOptions: common, include, exclude: ['node_modules'] },
  next15: { compilerOptions: { target: 'ES2017', ...common }, include, exclude: ['node_modules'] },
  next16: {
    compilerOptions: { target: 'ES2017', ...common, jsx: 'react-jsx' },
    include: [...include, '.next/dev/types/**/*.ts', '**/*.mts'],
    exclude: ['node_modules'],
  },
}
