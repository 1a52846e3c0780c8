// Typed errors that services throw; the error plugin maps each to a status and a page.
export class DomainError extends Error {
  readonly statusCode: number = 400
}

export class NotFoundError extends DomainError {
  override readonly statusCode = 404
  constructor(message = 'not found') {
    super(message)
  }
}

export class ForbiddenError extends DomainError {
  override readonly statusCode = 403
  constructor(message = 'forbidden') {
    super(message)
  }
}

/** Field errors of a form: message keys per field name, shown beside the fields. */
export type FieldErrors = Record<
  string,
  {
    key: string
    params?: Record<string, string | number>
    /** Catalogue key of the field's label, so the error summary can name the field. */
    label?: string
  }
>

export class ValidationError extends DomainError {
  override readonly statusCode = 422
  readonly fields: FieldErrors
  constructor(fields: FieldErrors) {
    super('validation failed')
    this.fields = fields
  }
}

/** Someone else changed the thing first (a second moderator, a racing edit). */
export class ConflictError extends DomainError {
  override readonly statusCode = 409
  readonly messageKey: string
  constructor(messageKey: string) {
    super(messageKey)
    this.messageKey = messageKey
  }
}
