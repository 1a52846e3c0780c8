// Files of a post form, with JavaScript: each chosen file is sent at once (POST /files) with a
// progress bar of its own and listed with a remove button; the form then carries only the ids
// of the files sent (checkboxes named "upload"), so sending the form is quick. Without this
// file the form is a plain multipart form and the server does the same in one request.
;(() => {
  const english = () => document.documentElement.lang === 'en'
  const text = {
    uploading: (name) => (english() ? `Uploading ${name}` : `${name} wird hochgeladen`),
    uploaded: (name) => (english() ? `${name} uploaded` : `${name} hochgeladen`),
    failed: (name) =>
      english() ? `${name} could not be uploaded.` : `${name} konnte nicht hochgeladen werden.`,
    remove: (name) => (english() ? `Remove ${name}` : `${name} entfernen`),
    removed: (name) => (english() ? `${name} removed` : `${name} entfernt`),
  }

  const csrfToken = (form) =>
    form.querySelector('input[name="_csrf"]')?.value ??
    document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ??
    ''

  function announce(field, message) {
    const status = field.querySelector('[data-upload-status]')
    if (status) status.textContent = message
  }

  function showPendingHint(field) {
    const list = field.querySelector('[data-pending-list]')
    const hint = list && document.getElementById(list.getAttribute('aria-labelledby'))
    if (hint) hint.hidden = list.children.length === 0
  }

  function removeButton(field, item, name) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'secondary remove-file'
    button.textContent = text.remove(name)
    button.addEventListener('click', () => {
      item.remove()
      showPendingHint(field)
      announce(field, text.removed(name))
      field.querySelector('input[type="file"]')?.focus()
    })
    return button
  }

  function upload(field, form, file) {
    const list = field.querySelector('[data-pending-list]')
    const item = document.createElement('li')
    item.className = 'pending-file uploading'
    const label = document.createElement('span')
    label.textContent = file.name
    const progress = document.createElement('progress')
    progress.max = 100
    progress.value = 0
    progress.setAttribute('aria-label', text.uploading(file.name))
    item.append(label, ' ', progress)
    list.append(item)
    showPendingHint(field)
    announce(field, text.uploading(file.name))

    const data = new FormData()
    data.append('_csrf', csrfToken(form))
    data.append('files', file, file.name)
    const request = new XMLHttpRequest()
    request.open('POST', field.dataset.uploadUrl || '/files')
    request.setRequestHeader('x-csrf-token', csrfToken(form))
    request.setRequestHeader('hx-request', 'true')
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100)
    })
    request.addEventListener('load', () => {
      const template = document.createElement('template')
      template.innerHTML = request.responseText
      const sent = template.content.querySelector('li.pending-file')
      if (request.status === 200 && sent) {
        sent.append(' ', removeButton(field, sent, file.name))
        item.replaceWith(sent)
        announce(field, text.uploaded(file.name))
      } else {
        const error = template.content.querySelector('.field-error')
        item.classList.remove('uploading')
        item.classList.add('upload-failed')
        progress.remove()
        const message = document.createElement('span')
        message.className = 'field-error'
        message.textContent = error?.textContent || text.failed(file.name)
        item.append(message, ' ', removeButton(field, item, file.name))
        announce(field, message.textContent)
      }
    })
    request.addEventListener('error', () => {
      item.classList.add('upload-failed')
      progress.remove()
      item.append(' ', text.failed(file.name), ' ', removeButton(field, item, file.name))
      announce(field, text.failed(file.name))
    })
    request.send(data)
  }

  document.addEventListener('change', (event) => {
    const input = event.target
    if (!(input instanceof HTMLInputElement) || input.type !== 'file') return
    const field = input.closest('[data-uploads]')
    const form = input.form
    if (!field || !form || !input.files) return
    for (const file of input.files) upload(field, form, file)
    // The files are on their way: the form itself sends only their ids.
    input.value = ''
  })
})()
