import type { core } from 'zod/mini'

/**
 * Messages for the issues zod raises itself (wrong type, too short, unknown key, ...). `zod/mini`
 * ships no locale, so without this every such issue would read "Invalid input"; zod's English
 * locale would cost every bundle that validates about 3 kB gz for messages we can say in a few
 * lines, in the same "must ..." voice as the schemas' own refinements.
 */
export function issueMessage(issue: core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // z.int() reports a fraction as a wrong type; "not number" would confuse there
      if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be an integer'
      return `must be ${article(issue.expected)}, not ${typeName(issue.input)}`
    case 'too_small':
      return bound('at least', issue.origin, issue.minimum, issue.inclusive, '>')
    case 'too_big':
      return bound('at most', issue.origin, issue.maximum, issue.inclusive, '<')
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
    case 'invalid_value':
      return `must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`
    case 'invalid_union':
      return 'matches none of the accepted shapes'
    case 'invalid_key':
      return 'has an invalid key'
    default:
      return 'is invalid'
  }
}

function bound(
  words: string,
  origin: string,
  limit: number | bigint | Date,
  inclusive: boolean | undefined,
  strict: string,
): string {
  const n = String(limit)
  const plural = n === '1' ? '' : 's'
  if (origin === 'string') return `must have ${words} ${n} character${plural}`
  if (origin === 'array' || origin === 'set') return `must have ${words} ${n} item${plural}`
  return inclusive === false ? `must be ${strict} ${n}` : `must be ${words} ${n}`
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v
}
