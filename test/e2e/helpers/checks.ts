// The checks every page type goes through: axe (WCAG 2.1 A/AA), reflow at 320 px and at 200 %
// zoom, visible keyboard focus, and html-validate's recommended rules on the server's HTML.
import AxeBuilder from '@axe-core/playwright'
import { HtmlValidate } from 'html-validate'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Zero violations, not a count to keep low; on failure the list says what and where. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze()
  const readable = results.violations.map((violation) => {
    const nodes = violation.nodes
      .slice(0, 5)
      .map(
        (node) =>
          `    at ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
      )
      .join('\n')
    return `${violation.id} (${violation.impact}): ${violation.help}\n${nodes}`
  })
  expect(readable, `axe on ${label} (${page.url()})`).toEqual([])
}

/** No horizontal scrolling: the document is no wider than the window. */
export async function expectNoHorizontalScroll(page: Page, label: string): Promise<void> {
  const measure = await page.evaluate(() => {
    const root = document.documentElement
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((element) => !element.closest('.visually-hidden, .skip-link'))
      .slice(0, 5)
      .map((element) => {
        const id = element.id ? `#${element.id}` : ''
        const classes = element.classList.length ? `.${[...element.classList].join('.')}` : ''
        return `${element.tagName.toLowerCase()}${id}${classes} (right edge ${Math.round(element.getBoundingClientRect().right)})`
      })
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide }
  })
  expect(
    measure.scrollWidth,
    `${label} (${page.url()}) scrolls sideways: ${measure.scrollWidth} > ${measure.clientWidth}; too wide: ${measure.wide.join(', ')}`,
  ).toBeLessThanOrEqual(measure.clientWidth)
}

/** The focused element shows a focus indicator (an outline or a box-shadow from :focus-visible). */
export async function expectVisibleFocus(page: Page, label: string): Promise<string> {
  const focus = await page.evaluate(() => {
    const element = document.activeElement
    if (!element || element === document.body) return { ok: false, what: 'nothing focused' }
    const style = getComputedStyle(element)
    const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== ''
    const what = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''} "${(element.textContent ?? '').trim().slice(0, 40)}"`
    return { ok: (outline || shadow) && element.matches(':focus-visible'), what }
  })
  expect(focus.ok, `${label}: focus not visible on ${focus.what}`).toBe(true)
  return focus.what
}

// The recommended preset as it is. htmx's hx-* attributes are not a problem for it: html-validate
// checks the attributes it knows and has no rule against unknown ones.
const validator = new HtmlValidate({ extends: ['html-validate:recommended'] })

export async function expectValidHtml(html: string, label: string): Promise<void> {
  const report = await validator.validateString(html, label)
  const lines = html.split('\n')
  const messages = report.results.flatMap((result) =>
    result.messages.map(
      (message) =>
        `${message.ruleId} at ${message.line}:${message.column}: ${message.message}\n    ${(lines[message.line - 1] ?? '').trim().slice(0, 160)}`,
    ),
  )
  expect(messages, `html-validate on ${label}`).toEqual([])
}
