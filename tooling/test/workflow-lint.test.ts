import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { lintWorkflow, requirements } from '../release/lint-workflows.mjs'

const read = (name: string) => readFileSync(new URL(`../../.github/workflows/${name}`, import.meta.url), 'utf8')

describe('the workflow lint', () => {
  it('passes the release and CI workflows of this repository', () => {
    expect(lintWorkflow('release.yml', read('release.yml'))).toEqual([])
    expect(lintWorkflow('ci.yml', read('ci.yml'))).toEqual([])
    expect(requirements({ 'release.yml': parse(read('release.yml')), 'ci.yml': parse(read('ci.yml')) })).toEqual([])
  })

  it('refuses bad YAML, unknown keys, a step that both runs and uses, an unpinned action, an open expression', () => {
    expect(lintWorkflow('a.yml', 'on: [push\njobs: {}')[0]).toMatch(/^a\.yml: not valid YAML/)
    const text = [
      'on: { push: {}, pushh: {} }',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    step: []',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expression syntax, not a JS template
      '      - run: echo ${{ github.ref }',
      '        uses: actions/checkout@v4',
      '      - uses: actions/checkout',
      '      - run: x',
      '        wiht: {}',
    ].join('\n')
    expect(lintWorkflow('b.yml', text)).toEqual([
      'b.yml: unknown event "pushh"',
      'b.yml: job j: unknown key "step"',
      'b.yml: job j step 1: needs exactly one of run, uses',
      'b.yml: job j step 2: "actions/checkout" is not owner/name@ref',
      'b.yml: job j step 3: unknown key "wiht"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expression syntax, not a JS template
      'b.yml:7: unclosed ${{ }} expression',
    ])
  })

  it('refuses a release without provenance permission or the changesets action, and a CI without .ci/run', () => {
    const release = parse(read('release.yml'))
    delete release.jobs.release.permissions['id-token']
    release.jobs.release.steps = release.jobs.release.steps.filter(
      (s: { uses?: string }) => !s.uses?.startsWith('changesets/'),
    )
    const ci = { jobs: { ci: { 'runs-on': 'x', steps: [{ run: 'pnpm test' }] } } }
    expect(requirements({ 'release.yml': release, 'ci.yml': ci })).toEqual([
      'release.yml: no job has id-token: write (provenance)',
      'release.yml: no changesets/action step',
      'ci.yml: no step runs .ci/run',
    ])
  })
})
