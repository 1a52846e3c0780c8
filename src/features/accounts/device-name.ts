// The session list names each device the way people know it ("Firefox, Windows"), from the
// user agent stored at sign-in. Unknown agents are shown shortened, as they came.

const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
]

const systems: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

const maxShown = 60

/** "Firefox, Windows"; the agent itself (shortened) when it is none we know; null without one. */
export function describeDevice(userAgent: string | null | undefined): string | null {
  const agent = userAgent?.trim()
  if (!agent) return null
  const browser = browsers.find(([pattern]) => pattern.test(agent))?.[1]
  const system = systems.find(([pattern]) => pattern.test(agent))?.[1]
  if (browser || system) return [browser, system].filter(Boolean).join(', ')
  return agent.length > maxShown ? `${agent.slice(0, maxShown - 1)}…` : agent
}
