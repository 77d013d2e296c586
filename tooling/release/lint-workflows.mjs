/**
 * A lint of .github/workflows/*.yml without actionlint (not on npm): each file parses as YAML,
 * uses only keys GitHub Actions knows at the levels it checks (workflow, job, step), every step
 * either runs a command or uses a pinned action (`owner/name@ref`), `${{ }}` expressions are
 * closed, and what the release depends on is there (OIDC `id-token: write` for provenance, the
 * changesets action, the CI job running .ci/run).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { root } from './metadata.mjs'

const WORKFLOW_KEYS = ['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']
const JOB_KEYS = [
  'name',
  'needs',
  'permissions',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'if',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
  'uses',
  'with',
  'secrets',
]
const STEP_KEYS = [
  'id',
  'if',
  'name',
  'uses',
  'run',
  'working-directory',
  'shell',
  'with',
  'env',
  'continue-on-error',
  'timeout-minutes',
]
const EVENTS = ['push', 'pull_request', 'workflow_dispatch', 'schedule', 'release', 'workflow_call', 'merge_group']

/** The problems of one workflow file's text. */
export function lintWorkflow(name, text) {
  const problems = []
  let doc
  try {
    doc = parse(text, { prettyErrors: true, strict: true, uniqueKeys: true })
  } catch (error) {
    return [`${name}: not valid YAML: ${error.message}`]
  }
  const unknown = (where, obj, allowed) => {
    for (const key of Object.keys(obj ?? {})) {
      if (!allowed.includes(key)) problems.push(`${name}: ${where}: unknown key "${key}"`)
    }
  }
  unknown('workflow', doc, WORKFLOW_KEYS)
  if (!doc?.on) problems.push(`${name}: no "on" trigger`)
  const events = typeof doc?.on === 'string' ? [doc.on] : Array.isArray(doc?.on) ? doc.on : Object.keys(doc?.on ?? {})
  for (const event of events) if (!EVENTS.includes(event)) problems.push(`${name}: unknown event "${event}"`)
  if (!doc?.jobs || Object.keys(doc.jobs).length === 0) problems.push(`${name}: no jobs`)
  for (const [id, job] of Object.entries(doc?.jobs ?? {})) {
    unknown(`job ${id}`, job, JOB_KEYS)
    if (!job['runs-on'] && !job.uses) problems.push(`${name}: job ${id} has no runs-on`)
    for (const [i, step] of (job.steps ?? []).entries()) {
      const where = `job ${id} step ${i + 1}${step.name ? ` (${step.name})` : ''}`
      unknown(where, step, STEP_KEYS)
      if ('run' in step === 'uses' in step) problems.push(`${name}: ${where}: needs exactly one of run, uses`)
      if (step.uses && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(step.uses)) {
        problems.push(`${name}: ${where}: "${step.uses}" is not owner/name@ref`)
      }
    }
  }
  for (const [n, line] of text.split('\n').entries()) {
    if ((line.match(/\$\{\{/g) ?? []).length !== (line.match(/\}\}/g) ?? []).length) {
      problems.push(`${name}:${n + 1}: unclosed \${{ }} expression`)
    }
  }
  return problems
}

/** What the two workflows must do for the release to work; `files` maps a file name to its parsed YAML. */
export function requirements(files) {
  const problems = []
  const release = files['release.yml']
  const ci = files['ci.yml']
  if (!release) problems.push('release.yml is missing')
  else {
    const jobs = Object.values(release.jobs ?? {})
    const steps = jobs.flatMap((j) => j.steps ?? [])
    if (!jobs.some((j) => j.permissions?.['id-token'] === 'write')) {
      problems.push('release.yml: no job has id-token: write (provenance)')
    }
    if (!steps.some((s) => String(s.uses ?? '').startsWith('changesets/action@'))) {
      problems.push('release.yml: no changesets/action step')
    }
  }
  if (!ci) problems.push('ci.yml is missing')
  else {
    const runs = Object.values(ci.jobs ?? {}).flatMap((j) => (j.steps ?? []).map((s) => String(s.run ?? '')))
    if (!runs.some((r) => /(^|\s)\.ci\/run(\s|$)/m.test(r))) problems.push('ci.yml: no step runs .ci/run')
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(root, '.github', 'workflows')
  const names = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : []
  const problems = []
  const parsed = {}
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8')
    const found = lintWorkflow(name, text)
    problems.push(...found)
    if (found.length === 0) parsed[name] = parse(text)
  }
  problems.push(...requirements(parsed))
  for (const p of problems) console.log(`FAIL ${p}`)
  if (problems.length > 0) process.exit(1)
  console.log(`workflows ok: ${names.join(', ')}`)
}
