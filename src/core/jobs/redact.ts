// What must not reach a log or an admin page: addresses, links (they carry tokens) and long tokens.
export function redactSecrets(text: string): string {
  return text
    .replace(/https?:\/\/\S+/gi, '[link]')
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]')
    .replace(/[A-Za-z0-9_-]{24,}/g, '[token]')
}
