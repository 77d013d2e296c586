/**
 * Hex SHA1 of a script, the name Redis caches it under. Web Crypto rather than `node:crypto`,
 * so the package also runs on the Edge runtime with the Upstash REST client.
 */
export async function sha1Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
