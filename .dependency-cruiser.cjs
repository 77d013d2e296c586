// The layering of the packages, checked by `pnpm check:graph` (a step of .ci/run).
// docs/design.md ("Layering, enforced") says why each rule exists.
// Paths are relative to the repository root. An import of a workspace package resolves through
// its exports to its dist/ (so the script builds first), an npm package to
// node_modules/.pnpm/<name>@<version>/node_modules/<name>/.
const ADAPTERS = '(postgres|redis|stripe|next)'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'An import cycle inside a package: modules that need each other have no order to load, ' +
        'test or read in. Move what both need into a leaf module.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment:
        'Folders inside a package form layers too: when two folders import each other, one of them ' +
        'holds a piece that belongs in the other or above both (a composition root sits above its parts).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-no-adapter-or-framework',
      comment:
        '@metered/core is the bottom layer: it may import its own files, Node built-ins and zod ' +
        '(and its testing/ entry vitest and fast-check), never an adapter, a framework or a driver.',
      severity: 'error',
      from: { path: '^packages/core/src/', pathNot: '^packages/core/src/testing/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/core/src/', '(^|/)node_modules/zod/'],
      },
    },
    {
      name: 'core-testing-imports-only-core-and-test-tools',
      comment: 'The testing entry of @metered/core adds vitest and fast-check (its peers) and nothing else.',
      severity: 'error',
      from: { path: '^packages/core/src/testing/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^packages/core/src/', '(^|/)node_modules/(zod|vitest|fast-check)/'],
      },
    },
    {
      name: 'runtime-imports-no-testing',
      comment:
        'Only testing/ may import the runtime, never the reverse (not even a type): ' +
        'what the runtime needs lives in the runtime.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: '^packages/core/src/testing/' },
      to: { path: ['^packages/core/(src|dist)/testing/', '(^|/)node_modules/@metered/core/dist/testing/'] },
    },
    {
      name: 'react-entry-imports-only-react',
      comment:
        'packages/next/src/react is a client bundle: at run time it imports only its own files and ' +
        'react. Anything else (server code, @metered/core, zod) only through `import type`.',
      severity: 'error',
      from: { path: '^packages/next/src/react/' },
      to: {
        dependencyTypesNot: ['type-only'],
        pathNot: ['^packages/next/src/react/', '(^|/)node_modules/(react|react-dom)/'],
      },
    },
    {
      name: 'adapter-imports-no-other-adapter',
      comment: 'Adapters (postgres, redis, stripe, next) sit side by side on @metered/core; none imports another.',
      severity: 'error',
      from: { path: `^packages/${ADAPTERS}/src/` },
      to: {
        path: [`^packages/${ADAPTERS}/`, `(^|/)node_modules/@metered/${ADAPTERS}/`],
        pathNot: '^packages/$1/',
      },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import the checker cannot resolve could be anything: the rules above would not see it.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)packages/[^/]+/dist/'] },
    // `import type` edges are part of the graph (the React rule allows them, the others do not).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
}
