// File names are kept for display only (storage uses content hashes), and cleaned first: no
// path, no control or bidi-override characters (an "exe.pdf" spelt backwards), no leading dots,
// bounded length with the ending kept.

export const maxNameLength = 120

// Control (Cc), format characters (Cf: bidi overrides and isolates, zero-width) and the line and
// paragraph separators; characters Windows refuses in names.
const unwanted = /[\p{Cc}\p{Cf}\u2028\u2029]/gu
const reserved = /[<>:"|?*\\/]/g

/** The display name of an uploaded file; `fallback` when nothing usable is left. */
export function cleanFileName(raw: string, fallback = 'Datei'): string {
  // Only the last path segment, whichever separator the browser or a script used.
  const base = raw.split(/[\\/]/).pop() ?? ''
  let name = base
    .normalize('NFC')
    .replace(unwanted, '')
    .replace(reserved, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
  if (name === '') name = fallback
  return truncateKeepingEnding(name, maxNameLength)
}

/** Shortens a name to `max` characters (code points), keeping its ending (".pdf"). */
export function truncateKeepingEnding(name: string, max: number): string {
  const chars = Array.from(name)
  if (chars.length <= max) return name
  const dot = name.lastIndexOf('.')
  const ending = dot > 0 ? Array.from(name.slice(dot)) : []
  if (ending.length === 0 || ending.length > 10) return chars.slice(0, max).join('')
  return (
    chars
      .slice(0, max - ending.length)
      .join('')
      .trimEnd() + ending.join('')
  )
}

/** The name with the type's ending added when it has none. */
export function withEnding(name: string, extensions: readonly string[]): string {
  const dot = name.lastIndexOf('.')
  if (dot > 0 && extensions.includes(name.slice(dot + 1).toLowerCase())) return name
  return truncateKeepingEnding(`${name}.${extensions[0]}`, maxNameLength)
}

/** A Content-Disposition header value that every browser reads right (RFC 6266 and 5987). */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_')
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
