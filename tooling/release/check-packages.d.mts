export function linkTargets(markdown: string): string[]
export function problemsOf(pkgDir: string, dir: string): string[]
export function packPublished(work: string): Promise<{ dir: string; name: string; tarball: string; unpacked: string }[]>
