/**
 * TypeDoc plugin: every optional property of a public options or props type says what happens
 * when it is left out, with `@defaultValue` / `@default` or a sentence containing "Default:"
 * ("Default: none" is an answer). Reported as validation warnings, so `pnpm docs:api`
 * (treatWarningsAsErrors) fails on a new option without one.
 *
 * Options and props types are the exported interfaces and type aliases whose names end in
 * `Options` or `Props`; `...Like` types describe a third party's object and are left out, as are
 * members typed `never` (the other half of an exactly-one-of union).
 */
import { Application, ReflectionKind } from 'typedoc'

const OPTIONS_NAME = /(Options|Props)$/
const NAMED = ReflectionKind.Interface | ReflectionKind.TypeAlias | ReflectionKind.Class

/**
 * The named declaration a property is an option of: the interface or class it is declared in, or
 * the type alias whose object type (or a member of its union or intersection) declares it. A
 * property of a nested object (a value shape inside an option) or of a callback's argument is not
 * an option of its own.
 */
function ownerOf(reflection) {
  const parent = reflection.parent
  if (!parent) return undefined
  if (parent.kindOf(NAMED)) return parent
  if (parent.kindOf(ReflectionKind.TypeLiteral) && parent.parent?.kindOf(ReflectionKind.TypeAlias)) return parent.parent
  return undefined
}

function saysDefault(comment) {
  if (!comment) return false
  if (comment.blockTags.some((t) => t.tag === '@defaultValue' || t.tag === '@default')) return true
  const text = [...comment.summary, ...comment.blockTags.flatMap((t) => t.content)].map((part) => part.text).join('')
  return /\bDefault(s)?\b/i.test(text)
}

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    // With entryPointStrategy "packages" each package is validated as it is converted (under its
    // own options); the merged project validated last would report every finding a second time.
    if (app.options.getValue('entryPointStrategy') === 'packages') return
    for (const property of project.getReflectionsByKind(ReflectionKind.Property)) {
      if (!property.flags.isOptional || property.inheritedFrom) continue
      if (property.type?.type === 'intrinsic' && property.type.name === 'never') continue
      const owner = ownerOf(property)
      if (!owner || !OPTIONS_NAME.test(owner.name) || owner.name.endsWith('Like')) continue
      if (saysDefault(property.comment)) continue
      app.logger.validationWarning(
        `${property.getFriendlyFullName()} (${project.packageName ?? project.name}) is an optional option without its default: add @defaultValue or "Default: ..." to its comment`,
      )
    }
  })
}
