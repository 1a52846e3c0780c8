// The checks every page type goes through: axe (WCAG 2.1 A/AA), reflow at 320 px and at 200 %
// zoom, visible keyboard focus, and html-validate's recommended rules on the server's HTML.
import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { htmlProblems } from '../../helpers/html-validate.ts'
import type { Web } from './dom.ts'

export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Zero violations, not a count to keep low; on failure the list says what and where. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  // axe never answers when the page navigates under it: fail in 30 s, saying so.
  let timer: NodeJS.Timeout | undefined
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`axe on ${label} did not answer in 30 s (did the page navigate?)`)),
      30_000,
    )
  })
  const results = await Promise.race([
    new AxeBuilder({ page }).withTags(wcagTags).analyze(),
    silence,
  ]).finally(() => clearTimeout(timer))
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
    const { document, getComputedStyle } = globalThis as unknown as Web
    const root = document.documentElement
    // What sticks out, unless a scroll container holds it (an absolutely positioned element,
    // e.g. .visually-hidden text, escapes a scroller that is not positioned itself).
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
      .filter((element) => {
        if (['absolute', 'fixed'].includes(getComputedStyle(element).position)) return true
        for (let up = element.parentElement; up; up = up.parentElement) {
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return false
        }
        return true
      })
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
    const { document, getComputedStyle } = globalThis as unknown as Web
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

export async function expectValidHtml(html: string, label: string): Promise<void> {
  expect(await htmlProblems(html, label), `html-validate on ${label}`).toEqual([])
}
