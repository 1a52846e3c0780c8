// Progressive enhancement only: every page works without this file.
;(() => {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')

  // Hand the CSRF token to every htmx request that changes state.
  document.addEventListener('htmx:configRequest', (event) => {
    const token = csrfToken()
    if (token && event.detail.verb !== 'get') event.detail.headers['x-csrf-token'] = token
  })

  // After a swap, move focus to what the server marked (a new post, the first form error).
  // The event fires on each settled element (event.target); detail.elt may be the element
  // that was replaced. The mark is removed once used, so content appended later wins.
  document.addEventListener('htmx:afterSettle', (event) => {
    const settled = [event.target, event.detail.elt].find((e) => e instanceof Element && e.isConnected)
    const root = settled ?? document
    const target =
      (root.matches?.('[data-focus-first]') ? root : null) ??
      root.querySelector('[data-focus-first]') ??
      // An afterend swap (the inline reply form under its link) puts the new content after the target.
      root.nextElementSibling?.querySelector('[data-focus-first]')
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
      target.removeAttribute('data-focus-first')
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

  // Discussions: controls that need JavaScript (the preview button) start hidden.
  document.addEventListener('htmx:load', (event) => {
    const root = event.target instanceof Element ? event.target : document
    for (const element of root.querySelectorAll('[data-needs-js][hidden]')) element.hidden = false
  })

  // Discussions: a reply form that is already open is focused instead of loaded twice.
  document.addEventListener('htmx:beforeRequest', (event) => {
    const opener = event.detail.elt
    const id = opener?.tagName === 'A' ? opener.getAttribute('aria-controls') : null
    const open = id ? document.getElementById(id) : null
    if (open) {
      event.preventDefault()
      open.querySelector('textarea')?.focus()
    }
  })
  document.addEventListener('htmx:afterSwap', (event) => {
    const opener = event.detail.elt
    if (opener?.tagName === 'A' && opener.hasAttribute('aria-controls'))
      opener.setAttribute('aria-expanded', 'true')
  })

  // Discussions: a post's Hilfreich button and its Antworten, Bearbeiten, Löschen and Melden links
  // carry no hx-* attributes (bytes on every post); this one handler sends them with htmx. Without
  // JavaScript they are a button of the form #pf, named by the post's id, and plain links (delete:
  // a confirmation page).
  const postAction = /^\/p\/(\d+)\/(helpful|reply|report|edit|delete)$/
  document.addEventListener('click', (event) => {
    if (!window.htmx || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return
    const control =
      event.target instanceof Element
        ? event.target.closest('.thread footer a[href^="/p/"], .thread footer button[form="pf"]')
        : null
    if (!control || control.hasAttribute('hx-get') || control.hasAttribute('hx-post')) return
    const match = postAction.exec(
      control.tagName === 'A' ? control.getAttribute('href') : `/p/${control.name}/helpful`,
    )
    if (!match) return
    event.preventDefault()
    const [url, id, action] = match
    const send = (verb, target, swap) => window.htmx.ajax(verb, url, { source: control, target, swap })
    if (action === 'helpful') return send('POST', control, 'outerHTML')
    if (action === 'report') return send('GET', control.closest('article'), 'beforeend')
    if (action === 'edit') return send('GET', control.closest('article'), 'outerHTML')
    if (action === 'delete') {
      const question = document.getElementById('pf')?.dataset.deleteQuestion
      if (question && !window.confirm(question)) return
      return send('POST', control.closest('article'), 'outerHTML')
    }
    control.setAttribute('aria-controls', `reply-${id}`)
    send('GET', control, 'afterend')
  })

  // Discussions: a permalink (?at=…#post-…) opens the window that holds the post; focus goes to
  // it (on load: the browser's scroll to the #fragment would take the focus back to the page).
  // An old link without ?at to a post outside the first window asks for its window.
  window.addEventListener('load', () => {
    const target = document.querySelector('.thread [data-focus-first]')
    if (target) {
      target.removeAttribute('data-focus-first')
      target.focus()
      return
    }
    const post = /^#post-(\d+)$/.exec(location.hash)
    if (post && document.querySelector('.thread') && !document.getElementById(`post-${post[1]}`))
      location.replace(`${location.pathname}?at=${post[1]}${location.hash}`)
  })

  // Discussions: a reply added at the end of the replies before the last window was loaded comes
  // again in that window; the copy in its place in the window stays, the earlier one goes.
  document.addEventListener('htmx:afterSwap', (event) => {
    const list = event.detail.target
    if (list?.id !== 'replies') return
    const seen = new Map()
    for (const post of list.querySelectorAll('li[id^="post-"]')) {
      seen.get(post.id)?.remove()
      seen.set(post.id, post)
    }
  })

  // Discussions: a reply whose list is not on the page (its parent is the last post of the window
  // and its other replies are in the next one) cannot be added in place: the window that holds it
  // opens instead (the reply is saved; the answer says which post it is).
  let lastAnswer
  document.addEventListener('htmx:beforeOnLoad', (event) => {
    lastAnswer = event.detail.xhr
  })
  document.addEventListener('htmx:targetError', () => {
    const post = /<li id="post-(\d+)">/.exec(lastAnswer?.responseText ?? '')
    if (post && document.querySelector('.thread'))
      location.assign(`${location.pathname}?at=${post[1]}#post-${post[1]}`)
  })

  // Discussions: "Cancel" in an inline form closes it (without JavaScript it is a plain link).
  document.addEventListener('click', (event) => {
    const cancel = event.target instanceof Element ? event.target.closest('[data-close]') : null
    const form = cancel?.closest('[data-closable]')
    if (!form) return
    event.preventDefault()
    const opener = document.querySelector(`[aria-controls="${form.id}"]`)
    form.remove()
    opener?.setAttribute('aria-expanded', 'false')
    opener?.focus()
  })

  // Discussions: @mention suggestions while typing (verified members, from /mentions).
  let mentionTimer
  document.addEventListener('input', (event) => {
    const field = event.target
    if (!(field instanceof HTMLTextAreaElement) || !field.dataset.mentions || !window.htmx) return
    clearTimeout(mentionTimer)
    mentionTimer = setTimeout(() => {
      const list = document.getElementById(field.dataset.mentions)
      if (!list) return
      const match = /(^|\s)@([\p{L}\p{N}_.-]{2,40})$/u.exec(field.value.slice(0, field.selectionStart))
      if (!match) return list.replaceChildren()
      window.htmx.ajax('GET', `/mentions?q=${encodeURIComponent(match[2])}`, {
        target: list,
        swap: 'innerHTML',
      })
    }, 250)
  })
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-handle]') : null
    const list = button?.closest('.mention-list')
    const field = list ? document.querySelector(`[data-mentions="${list.id}"]`) : null
    if (!field) return
    const caret = field.selectionStart
    const before = field.value.slice(0, caret).replace(/@[\p{L}\p{N}_.-]*$/u, `@${button.dataset.handle} `)
    field.value = before + field.value.slice(caret)
    list.replaceChildren()
    field.focus()
    field.setSelectionRange(before.length, before.length)
  })
})()
