#!/usr/bin/env node
// Sum the test results in reports/*.json and print "N passed, N failed" as the last line.
//
//   node .ci/count-tests.mjs [--dir reports] [--expect vitest.json ...]
//
// Understands vitest's / jest's JSON reporter (numPassedTests, numFailedTests) and Playwright's
// JSON reporter (stats.expected / unexpected / flaky). A report named with --expect that is
// missing or unparsable counts as one failure; so does a vitest run that failed without a failed
// test (a suite that could not load, a crashed global setup). Other unknown JSON files are ignored.
// Exit code: 0 when something passed and nothing failed, 1 otherwise.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
let dir = 'reports'
const expected = new Set()
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dir') dir = args[++i]
  else if (args[i] === '--expect') expected.add(args[++i])
  else {
    console.error(`count-tests: unknown argument ${args[i]}`)
    process.exit(2)
  }
}

let passed = 0
let failed = 0
let skipped = 0
const notes = []

/** @returns {{ passed: number, failed: number, skipped: number, note?: string } | undefined} */
function countReport(report) {
  if (report && typeof report === 'object' && typeof report.numPassedTests === 'number') {
    // vitest / jest
    let f = Number(report.numFailedTests) || 0
    let note
    if (report.success === false && f === 0) {
      f = Math.max(1, Number(report.numFailedTestSuites) || 0)
      note = `run failed without a failing test (${report.numFailedTestSuites ?? 0} failed suites): counted ${f}`
    }
    return {
      passed: report.numPassedTests,
      failed: f,
      skipped: (Number(report.numPendingTests) || 0) + (Number(report.numTodoTests) || 0),
      note,
    }
  }
  if (report && typeof report === 'object' && report.stats && typeof report.stats.expected === 'number') {
    // Playwright
    const s = report.stats
    const errors = Array.isArray(report.errors) ? report.errors.length : 0
    const f = (Number(s.unexpected) || 0) + errors
    const note = errors ? `${errors} global errors counted as failures` : undefined
    return { passed: s.expected + (Number(s.flaky) || 0), failed: f, skipped: Number(s.skipped) || 0, note }
  }
  return undefined
}

const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : []
for (const name of expected) {
  if (!files.includes(name)) {
    failed += 1
    notes.push(`${name}: MISSING (expected): counted as 1 failure`)
  }
}
for (const name of files) {
  let report
  try {
    report = JSON.parse(readFileSync(path.join(dir, name), 'utf8'))
  } catch (error) {
    if (expected.has(name)) {
      failed += 1
      notes.push(`${name}: UNPARSABLE (${error.message}): counted as 1 failure`)
    } else notes.push(`${name}: unparsable, ignored`)
    continue
  }
  const counted = countReport(report)
  if (!counted) {
    if (expected.has(name)) {
      failed += 1
      notes.push(`${name}: not a test report this script understands: counted as 1 failure`)
    } else notes.push(`${name}: not a test report, ignored`)
    continue
  }
  passed += counted.passed
  failed += counted.failed
  skipped += counted.skipped
  notes.push(
    `${name}: ${counted.passed} passed, ${counted.failed} failed, ${counted.skipped} skipped${counted.note ? ` (${counted.note})` : ''}`,
  )
}

for (const note of notes) console.log(`  ${note}`)
if (passed + failed === 0) console.log('  no test results found')
else if (skipped > 0) console.log(`  ${skipped} skipped in all`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
