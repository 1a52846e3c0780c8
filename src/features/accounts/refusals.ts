// How accounts' services refuse a form: they throw, and the route re-renders the form with
// the field errors and the status that fits (422 a wrong value, 429 too many attempts, 503 too
// busy to check a password right now).
import { DomainError, type FieldErrors, ValidationError } from '../../lib/errors.ts'
import { PasswordChecksBusyError } from './passwords.ts'

/** Too many attempts: the form says so beside the field (429). */
export class TooManyAttemptsError extends DomainError {
  override readonly statusCode = 429
  readonly fields: FieldErrors
  constructor(fields: FieldErrors) {
    super('too many attempts')
    this.fields = fields
  }
}

export interface Refusal {
  errors: FieldErrors
  status: number
}

/**
 * Runs a service call; a refusal comes back as field errors and a status, anything else is
 * thrown on to the error pages. `busyField` is where "busy, try again" is shown.
 */
export async function attempt<T>(
  work: () => Promise<T>,
  busyField: string,
): Promise<{ ok: true; value: T } | ({ ok: false } & Refusal)> {
  try {
    return { ok: true, value: await work() }
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: error.fields, status: 422 }
    if (error instanceof TooManyAttemptsError) return { ok: false, errors: error.fields, status: 429 }
    if (error instanceof PasswordChecksBusyError) {
      return { ok: false, errors: { [busyField]: { key: 'login.busy' } }, status: 503 }
    }
    throw error
  }
}

/** Form problems in the order of the form's fields (the error summary lists them that way). */
export function inFieldOrder(fields: readonly string[], errors: FieldErrors): FieldErrors {
  const ordered: FieldErrors = {}
  for (const name of fields) if (errors[name]) ordered[name] = errors[name]
  for (const [name, error] of Object.entries(errors)) if (!ordered[name]) ordered[name] = error
  return ordered
}
