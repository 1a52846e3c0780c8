// The few browser shapes the tests touch inside page.evaluate(). The project's tsconfig has no
// DOM lib (it is a server), so callbacks cast globalThis to this: `globalThis as unknown as Web`.
export interface WebElement {
  tagName: string
  id: string
  textContent: string | null
  outerHTML: string
  parentElement: WebElement | null
  classList: { length: number; [Symbol.iterator](): Iterator<string> }
  closest(selector: string): WebElement | null
  matches(selector: string): boolean
  getAttribute(name: string): string | null
  getBoundingClientRect(): {
    left: number
    right: number
    top: number
    bottom: number
    width: number
    height: number
  }
}

export interface Web {
  document: {
    activeElement: WebElement | null
    body: WebElement
    documentElement: WebElement & { scrollWidth: number; clientWidth: number }
    querySelectorAll(selector: string): { length: number; [Symbol.iterator](): Iterator<WebElement> }
  }
  getComputedStyle(element: WebElement): {
    outlineStyle: string
    outlineWidth: string
    boxShadow: string
    display: string
    visibility: string
    position: string
    overflowX: string
  }
  __marker?: number
}
