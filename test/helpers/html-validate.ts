// html-validate as every page check uses it (the page tests and the browser tests): the
// recommended preset, with these deliberate differences (each a choice, not a shortcut):
// - `doctype-style` and `no-trailing-whitespace` are about source formatting, not validity: the
//   layout writes <!doctype html> in lower case as the HTML standard does, and Handlebars leaves
//   indented blank lines where a block helper rendered nothing.
// - `long-title`: page titles carry the thread's title, which members choose; a closed,
//   noindex forum has no search-result snippet the 70-character advice is about.
// - `form-dup-name`: a group of checkboxes sharing one name (digest categories) is the standard
//   way to submit a list; the preset only allows that for radios and buttons.
// - `aria-label-misuse`: allow naming elements whose ARIA role supports a name from the author
//   (e.g. the list of replies labelled by its heading); ARIA permits it, the preset discourages it.
// - `no-implicit-button-type` is replaced by our own `button-type-in-form`: its reason is that
//   Enter in a form's field presses the form's first submit button. A thread page prints a
//   Hilfreich button per post, outside every form (it belongs to the fieldless form #pf by its
//   `form` attribute), so that button leaves the type at its default, submit, saving 14 bytes a
//   post; every button inside a form still states its type.
// htmx's hx-* attributes need no exception: html-validate has no rule against unknown attributes.
import { type DOMReadyEvent, definePlugin, HtmlValidate, Rule } from 'html-validate'

class ButtonTypeInForm extends Rule {
  override documentation() {
    return { description: 'A <button> inside a <form>, or one that belongs to no form, states its type.' }
  }

  override setup() {
    this.on('dom:ready', (event: DOMReadyEvent) => {
      for (const button of event.document.querySelectorAll('button')) {
        if (button.hasAttribute('type')) continue
        if (button.closest('form') || !button.hasAttribute('form'))
          this.report(button, '<button> is missing its "type" attribute')
      }
    })
  }
}

const vertrauensraum = definePlugin({
  name: 'vertrauensraum',
  rules: { 'vertrauensraum/button-type-in-form': ButtonTypeInForm },
})

export const htmlValidator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  plugins: [vertrauensraum],
  rules: {
    'doctype-style': 'off',
    'no-trailing-whitespace': 'off',
    'long-title': 'off',
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
    'aria-label-misuse': ['error', { allowAnyNamable: true }],
    'no-implicit-button-type': 'off',
    'vertrauensraum/button-type-in-form': 'error',
  },
})

/** html-validate's findings on a page, one line each: label, rule, place, message and source line. */
export async function htmlProblems(html: string, label: string): Promise<string[]> {
  const report = await htmlValidator.validateString(html, label)
  const lines = html.split('\n')
  return report.results.flatMap((result) =>
    result.messages.map(
      (m) =>
        `${label}: ${m.ruleId} at ${m.line}:${m.column}: ${m.message} — ${(lines[m.line - 1] ?? '').trim().slice(0, 160)}`,
    ),
  )
}
