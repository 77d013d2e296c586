import Link from 'next/link'
import { ImageForm } from '@/components/image-form'
import { openaiConfigured } from '@/lib/env'
import { currentUser } from '@/lib/metered'

export default async function ImagesPage() {
  const user = await currentUser()
  return (
    <>
      <h1>Images</h1>
      <p className="muted">
        gpt-image-1, priced per image by size and quality at cost x 1.3 (low 1024x1024: 14.3 credits; high 1536x1024:
        325 credits).
        {!openaiConfigured && (
          <>
            {' '}
            <strong>Demo model:</strong> OPENAI_API_KEY is not set, so you get labelled placeholders, charged like the
            real images.
          </>
        )}
      </p>
      {!user && (
        <p className="notice">
          <Link href="/signin">Sign in</Link> to generate images.
        </p>
      )}
      <ImageForm signedIn={user !== null} />
    </>
  )
}
