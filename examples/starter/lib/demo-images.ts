import type { ImageRequest } from './chat-schema'

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * DEMO images for when `OPENAI_API_KEY` is unset: SVG placeholders of the requested size, clearly
 * labelled. They are charged exactly like gpt-image-1 images of that size and quality.
 */
export function demoImages(request: ImageRequest): string[] {
  const [width, height] = request.size.split('x').map(Number) as [number, number]
  const prompt = request.prompt.length > 80 ? `${request.prompt.slice(0, 77)}...` : request.prompt
  return Array.from({ length: request.n }, (_, i) => {
    const hue = (prompt.length * 37 + i * 71) % 360
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,55%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},70%,35%)"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
<text x="50%" y="42%" text-anchor="middle" font-family="sans-serif" font-size="${Math.round(width / 9)}" font-weight="700" fill="#fff">DEMO</text>
<text x="50%" y="54%" text-anchor="middle" font-family="sans-serif" font-size="${Math.round(width / 28)}" fill="#fff">${escapeXml(prompt)}</text>
<text x="50%" y="62%" text-anchor="middle" font-family="sans-serif" font-size="${Math.round(width / 36)}" fill="#fff">gpt-image-1 stand-in · ${request.size} · ${request.quality} · ${i + 1}/${request.n}</text>
</svg>`
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
  })
}
