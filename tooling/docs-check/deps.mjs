/**
 * What the scratch app installs beside the packed packages: the libraries the docs import, in
 * the ranges a user gets from `npm install <name>` (npm picks, on the Node.js it runs on, the
 * newest release whose `engines` allow it), and create-next-app's tsconfig.
 */
import { createNextAppTsconfig } from '../next-tsconfig.mjs'

export const dependencies = [
  'next@^16',
  'react@^19',
  'react-dom@^19',
  '@types/react@^19',
  '@types/react-dom@^19',
  // the types of the Node.js that runs the check (vitest 5 asks for @types/node 22 or 24+)
  `@types/node@^${process.versions.node.split('.')[0]}`,
  'typescript@^5',
  'tsx@^4',
  'zod@^4',
  'next-auth@^4',
  // Auth.js v5 beside v4: blocks marked `authjs` compile with `next-auth` mapped to it (run.mjs)
  'next-auth-v5@npm:next-auth@5.0.0-beta.32',
  'better-auth',
  'openai',
  'ai',
  '@ai-sdk/openai',
  'stripe',
  'kysely',
  'pg',
  '@types/pg',
  '@electric-sql/pglite',
  '@neondatabase/serverless',
  '@upstash/redis',
  'ioredis',
  'redis',
  'vitest',
]

/** create-next-app's tsconfig (the newest major), with the scratch app's sources under src/ and blocks/. */
export const tsconfig = createNextAppTsconfig(16, {
  compilerOptions: { paths: { '@/*': ['./src/*'] } },
  include: ['src/**/*.ts', 'src/**/*.tsx', 'blocks/**/*.ts', 'blocks/**/*.tsx'],
})

/**
 * The project of the blocks marked `authjs`: `next-auth` is Auth.js v5 there. Only those blocks
 * and the app modules they import are compiled (the app's own next-auth v4 options are not).
 */
export const tsconfigAuthjs = {
  compilerOptions: {
    ...tsconfig.compilerOptions,
    paths: {
      ...tsconfig.compilerOptions.paths,
      'next-auth': ['./node_modules/next-auth-v5'],
      'next-auth/*': ['./node_modules/next-auth-v5/*'],
    },
  },
  include: ['blocks-authjs/**/*.ts', 'blocks-authjs/**/*.tsx'],
}

/**
 * The openai the OpenAI Responses starter's package-lock.json installs (4.89 lacks names later 4.x
 * releases export). It goes into a directory of its own, openai4/: its optional peer zod 3 cannot
 * sit beside the zod 4 above.
 */
export const openai4 = 'openai@4.89.0'

/**
 * The project of the blocks marked `openai4` (written a second time into blocks-openai4/): `openai`
 * is the 4.x the OpenAI Responses starter installs, so its metered route compiles in the starter
 * as it is, not only with the newest SDK.
 */
export const tsconfigOpenai4 = {
  compilerOptions: {
    ...tsconfig.compilerOptions,
    paths: {
      ...tsconfig.compilerOptions.paths,
      openai: ['./openai4/node_modules/openai'],
      'openai/*': ['./openai4/node_modules/openai/*'],
    },
  },
  include: ['blocks-openai4/**/*.ts', 'blocks-openai4/**/*.tsx'],
}
