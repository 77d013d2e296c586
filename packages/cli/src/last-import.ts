/**
 * Index of the line that ends the last import statement of a module (multi-line imports
 * included), or -1 when there is none or the last one never closes.
 */
export function lastImportLine(lines: readonly string[]): number {
  let lastImport = -1
  let inImport = false
  for (const [i, line] of lines.entries()) {
    if (/^import\s/.test(line)) inImport = true
    if (inImport) {
      lastImport = i
      if (/from\s+['"][^'"]+['"];?\s*$|^import\s+['"][^'"]+['"];?\s*$/.test(line)) inImport = false
    }
  }
  return inImport ? -1 : lastImport
}
