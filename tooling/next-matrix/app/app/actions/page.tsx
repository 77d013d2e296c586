// Two forms whose action is a metered Server Action. React renders each action's id into its
// form (a hidden `$ACTION_ID_<id>` field, for submitting without JavaScript); serve.mjs reads
// the ids from this page and calls the actions as the browser's action client does.
import { explode, summarize } from './actions'

// A form action's type returns void; these return their result (for callers that await it).
type FormAction = (formData: FormData) => Promise<void>

export default function ActionsPage() {
  return (
    <main>
      <form id="summarize" action={summarize as unknown as FormAction}>
        <input name="text" defaultValue="hello" />
        <button type="submit">summarize</button>
      </form>
      <form id="explode" action={explode as unknown as FormAction}>
        <button type="submit">explode</button>
      </form>
    </main>
  )
}
