export interface BlockFile {
  /** The page line (1-based) of the file's first code line. */
  line: number
  code: string
  prelude: { code: string; line: number } | null
}
export interface Block {
  doc: string
  /** The page line of the opening fence. */
  line: number
  lang: 'ts' | 'tsx'
  partial: boolean
  run: boolean
  /** `authjs` in the info string: compiled where `next-auth` is Auth.js v5. */
  authjs: boolean
  /** `openai4` in the info string: compiled a second time where `openai` is the 4.x the OpenAI starter pins. */
  openai4: boolean
  files: BlockFile[]
}
export function extractBlocks(doc: string, text: string): { blocks: Block[] }
export function compileUnit(file: BlockFile): { source: string; pageLine: (n: number) => number }
