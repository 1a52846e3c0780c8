// Drafts and the session's end (WCAG 2.2.1 "Timing Adjustable"), for signed-in members.
// - Every form that writes a thread or a reply is saved as a draft on the server a few seconds
//   after the last change (POST /drafts), and filled in again from it when it is opened empty
//   (GET /drafts), with a notice and a button to throw the draft away.
// - Before the session ends (idle time from the layout's #session-timeout), a dialog warns and
//   offers to extend it (POST /session/extend); after the end it says the text is kept and links
//   to the sign-in. Any request of the page counts as activity.
// CSP-safe: no inline code, no eval; without JavaScript nothing here is needed.
;(() => {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
  const box = document.getElementById('session-timeout')
  if (!box) return
  const text = (name) => box.dataset[name] ?? ''

  // ----- The session's end: state (the functions are below) ---------------------------------
  const idle = Number(box.dataset.idleSeconds) * 1000
  // The store slides the expiry at most once a minute: count from a minute before the last request.
  const slack = Math.min(60_000, idle / 10)
  const warnAhead = Math.min(5 * 60_000, idle / 4)
  const extendButton = box.querySelector('[data-extend]')
  const warning = box.querySelector('[data-warning]')
  const expired = box.querySelector('[data-expired]')
  const login = box.querySelector('[data-login]')
  let lastRequest = Date.now()
  let warnTimer
  let endTimer
  let ended = false

  /** A request of this script; an answered one counts as activity (the session slid on). */
  async function request(url, init = {}) {
    const response = await fetch(url, { credentials: 'same-origin', ...init })
    if (response.ok) activity()
    return response
  }

  function post(url, fields) {
    return request(url, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'x-csrf-token': csrfToken() },
    })
  }

  // ----- Drafts -------------------------------------------------------------------------------

  const draftField = ['title', 'body', 'tags', 'category', 'stage', 'confidential', 'parent', 'formKey']
  const draftAction = /^\/(?:t|t\/\d+\/posts)$/

  /** The draft's key: the form's action and, for a reply, the post it answers. */
  function keyOf(form) {
    const action = new URL(form.getAttribute('action') ?? '', location.href).pathname
    if (!draftAction.test(action) || !form.querySelector('textarea[name="body"]')) return undefined
    return `${action}|${form.elements.namedItem('parent')?.value ?? ''}`
  }

  function fieldsOf(form) {
    const fields = {}
    for (const name of draftField) {
      const element = form.elements.namedItem(name)
      if (!element || element instanceof RadioNodeList) continue
      if (element.type === 'checkbox') fields[name] = element.checked ? element.value : ''
      else fields[name] = element.value
    }
    return fields
  }

  const timers = new WeakMap()
  function saveSoon(form) {
    const key = keyOf(form)
    if (!key) return
    clearTimeout(timers.get(form))
    timers.set(
      form,
      setTimeout(() => {
        post('/drafts', { key, ...fieldsOf(form) }).catch(() => {})
      }, 1500),
    )
  }

  function isEmpty(form) {
    const body = form.querySelector('textarea[name="body"]')
    const title = form.elements.namedItem('title')
    return body.value.trim() === '' && (!title || title.value.trim() === '')
  }

  async function restore(form) {
    const key = keyOf(form)
    if (!key || form.dataset.draftChecked || !isEmpty(form)) return
    form.dataset.draftChecked = 'true'
    const response = await request(`/drafts?key=${encodeURIComponent(key)}`)
    if (response.status !== 200 || !isEmpty(form)) return
    const { fields } = await response.json()
    for (const [name, value] of Object.entries(fields)) {
      const element = form.elements.namedItem(name)
      if (!element || element instanceof RadioNodeList || name === 'parent') continue
      if (element.type === 'checkbox') element.checked = value !== ''
      else element.value = value
    }
    showRestored(form, key)
  }

  function showRestored(form, key) {
    const notice = document.createElement('p')
    notice.className = 'notice draft-restored'
    notice.setAttribute('role', 'status')
    notice.textContent = `${text('restored')} `
    const discard = document.createElement('button')
    discard.type = 'button'
    discard.className = 'secondary'
    discard.textContent = text('discard')
    discard.addEventListener('click', () => {
      post('/drafts/discard', { key }).catch(() => {})
      for (const name of ['title', 'body', 'tags']) {
        const element = form.elements.namedItem(name)
        if (element && !(element instanceof RadioNodeList)) element.value = ''
      }
      notice.remove()
      form.querySelector('textarea[name="body"]')?.focus()
    })
    notice.append(discard)
    form.prepend(notice)
  }

  function scanForms(root) {
    for (const form of root.querySelectorAll('form')) if (keyOf(form)) restore(form).catch(() => {})
  }

  document.addEventListener('input', (event) => {
    const form = event.target.closest?.('form')
    if (form) saveSoon(form)
  })
  document.addEventListener('change', (event) => {
    const form = event.target.closest?.('form')
    if (form) saveSoon(form)
  })
  scanForms(document)
  document.body.addEventListener('htmx:afterSwap', (event) =>
    scanForms(event.detail.elt.parentElement ?? document),
  )

  // ----- The session's end ----------------------------------------------------------------------

  function schedule() {
    if (!(idle > 0)) return
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    const end = lastRequest + idle - slack
    warnTimer = setTimeout(warn, Math.max(0, end - warnAhead - Date.now()))
    endTimer = setTimeout(expire, Math.max(0, end - Date.now()))
  }

  function warn() {
    if (ended) return
    box.hidden = false
    warning.hidden = false
    expired.hidden = true
    extendButton.hidden = false
    login.hidden = true
    extendButton.focus()
  }

  function expire() {
    ended = true
    box.hidden = false
    warning.hidden = true
    expired.hidden = false
    extendButton.hidden = true
    login.hidden = false
    login.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`
    login.focus()
  }

  function activity() {
    if (ended || !(idle > 0)) return
    lastRequest = Date.now()
    box.hidden = true
    schedule()
  }

  extendButton.addEventListener('click', async () => {
    const response = await post('/session/extend', {}).catch(() => undefined)
    if (response?.ok) {
      activity()
      document.getElementById('live-region')?.replaceChildren(text('extended'))
      document.querySelector('main')?.focus()
    } else expire()
  })
  document.body.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.successful) activity()
  })
  schedule()
})()
