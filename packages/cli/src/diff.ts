type Op = { kind: ' ' | '-' | '+'; line: string }

/** The line edit script from `a` to `b` (longest common subsequence; the files are small). */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length
  const m = b.length
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! })
      j++
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ kind: '+', line: b[j++]! })
    else ops.push({ kind: '-', line: a[i++]! })
  }
  return ops
}

function linesOf(text: string | null): string[] {
  if (text === null || text === '') return []
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
}

/**
 * A unified diff (`diff -u`, 3 lines of context) from `before` to `after`; null `before` is a new
 * file. Empty when they are the same.
 */
export function unifiedDiff(path: string, before: string | null, after: string, context = 3): string {
  if (before === after) return ''
  const ops = editScript(linesOf(before), linesOf(after))
  const out = [`--- ${before === null ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`]
  let k = 0
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === ' ') k++
    if (k === ops.length) break
    const start = Math.max(0, k - context)
    let end = k
    // extend the hunk while the next change is within 2 x context lines
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++
      let next = end
      while (next < ops.length && ops[next]!.kind === ' ') next++
      if (next < ops.length && next - end <= 2 * context) end = next
      else {
        end = Math.min(ops.length, end + context)
        break
      }
    }
    let aStart = 1
    let bStart = 1
    for (const op of ops.slice(0, start)) {
      if (op.kind !== '+') aStart++
      if (op.kind !== '-') bStart++
    }
    const hunk = ops.slice(start, end)
    const aLen = hunk.filter((op) => op.kind !== '+').length
    const bLen = hunk.filter((op) => op.kind !== '-').length
    out.push(`@@ -${aLen === 0 ? aStart - 1 : aStart},${aLen} +${bLen === 0 ? bStart - 1 : bStart},${bLen} @@`)
    for (const op of hunk) out.push(`${op.kind}${op.line}`)
    k = end
  }
  return `${out.join('\n')}\n`
}
