export const root: string
export const REPOSITORY_URL: string
export const GITHUB: string
export const BLOB: string
export function metadataOf(dir: string): {
  license: string
  repository: { type: 'git'; url: string; directory: string }
  homepage: string
  bugs: { url: string }
  keywords: string[]
  engines: { node: string }
  publishConfig: { access: 'public' }
}
export function publishedDirs(): string[]
