// Progressive enhancement only: every page works without this file.
;(() => {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')

  // Hand the CSRF token to every htmx request that changes state.
  document.addEventListener('htmx:configRequest', (event) => {
    const token = csrfToken()
    if (token && event.detail.verb !== 'get') event.detail.headers['x-csrf-token'] = token
  })

  // After a swap, move focus to what the server marked (a new post, the first form error).
  document.addEventListener('htmx:afterSettle', (event) => {
    const root = event.detail.elt instanceof Element ? event.detail.elt : document
    const target =
      root.querySelector('[data-focus-first]') ?? (root.matches?.('[data-focus-first]') ? root : null)
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
      target.focus()
    }
  })

  // A failed htmx request must not fail silently: announce it.
  document.addEventListener('htmx:responseError', () => {
    const live = document.getElementById('live-region')
    const message =
      document.documentElement.lang === 'en'
        ? 'That did not work. Please reload the page.'
        : 'Das hat nicht geklappt. Bitte laden Sie die Seite neu.'
    if (live) live.textContent = message
  })
  document.addEventListener('htmx:sendError', () => {
    const live = document.getElementById('live-region')
    if (live)
      live.textContent = document.documentElement.lang === 'en' ? 'No connection.' : 'Keine Verbindung.'
  })

  // Escape closes an inline form that htmx opened (it carries data-closable).
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return
    const form = document.activeElement?.closest?.('[data-closable]')
    const opener = form && document.querySelector(`[aria-controls="${form.id}"]`)
    if (form) {
      form.remove()
      opener?.setAttribute('aria-expanded', 'false')
      opener?.focus()
    }
  })
})()
