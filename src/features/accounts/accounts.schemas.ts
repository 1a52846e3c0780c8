// Every input of the accounts routes, declared once: form bodies (cleaned at the edge, errors
// per field with the field's label), route parameters and query strings.
import { Type } from '@sinclair/typebox'
import { field, formSchema, param } from '../../lib/form-schema.ts'
import { maxPasswordLength } from './passwords.ts'

const email = (label: string) => field.email({ required: true, label })
const password = (label: string) => field.secret({ required: true, max: maxPasswordLength, label })

export const loginForm = formSchema({
  email: field.line({ required: true, max: 254, label: 'login.email' }),
  password: password('login.password'),
  next: field.line({ max: 500 }),
})

export const loginQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  signedOut: Type.Optional(Type.String({ maxLength: 10 })),
})

export const statementMax = 1000

export const registrationForm = formSchema({
  name: field.line({ required: true, max: 120, label: 'register.name' }),
  email: email('register.email'),
  organisationId: field.id({ label: 'register.organisation' }),
  orgQuery: field.line({ max: 100, label: 'register.orgQuery' }),
  jobTitle: field.line({ required: true, max: 120, label: 'register.jobTitle' }),
  statement: field.text({ required: true, max: statementMax, label: 'register.statement' }),
  password: password('register.password'),
  invitation: field.line({ max: 100 }),
  /** The no-JavaScript organisation search submits the whole form with action=search. */
  action: field.line({ max: 20 }),
})

export const registrationFields = [
  'name',
  'email',
  'organisationId',
  'jobTitle',
  'statement',
  'password',
] as const

/** Lenient: the no-JS organisation search and invitation links fill these; junk is ignored. */
export const registrationQuery = Type.Object({
  invitation: Type.Optional(Type.String({ maxLength: 200 })),
  orgQuery: Type.Optional(Type.String({ maxLength: 500 })),
  organisationId: Type.Optional(Type.String({ maxLength: 50 })),
})

export const tokenParams = Type.Object({ token: param.token() })

export const forgotForm = formSchema({ email: email('login.email') })

export const resetForm = formSchema({ password: password('reset.password') })

export const passwordChangeForm = formSchema({
  currentPassword: password('account.currentPassword'),
  newPassword: password('account.newPassword'),
})

export const emailChangeForm = formSchema({
  email: email('account.newEmail'),
  currentPassword: password('account.currentPassword'),
})

export const languageForm = formSchema({
  locale: field.choice(['de', 'en'] as const, { label: 'account.language' }),
})

export const sessionForm = formSchema({ session: field.line({ required: true, max: 100 }) })

export const inviteForm = formSchema({
  email: email('invite.email'),
  note: field.line({ max: 500, label: 'invite.note' }),
})

// The second factor: the 6 digits from the app, or a recovery code (separate fields, so that
// the code field can ask for a numeric keyboard).
const authenticatorCode = (required: boolean) => field.line({ required, max: 20, label: 'secondFactor.code' })

export const secondFactorForm = formSchema({
  code: authenticatorCode(false),
  recoveryCode: field.line({ max: 40, label: 'secondFactor.recoveryCode' }),
  next: field.line({ max: 500 }),
})

export const enrolForm = formSchema({ code: authenticatorCode(true), next: field.line({ max: 500 }) })

/** `_stepUp`: the form's own address when the step-up page carries a form along. */
export const stepUpForm = formSchema({
  code: authenticatorCode(true),
  next: field.line({ max: 500 }),
  _stepUp: field.line({ max: 500 }),
})

export const nextQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 500 })) })

export const memberIdParams = Type.Object({ id: param.id() })

export const exportParams = Type.Object({ id: param.id() })

export const deleteAccountForm = formSchema({
  password: password('dataRights.delete.password'),
  posts: field.choice(['keep', 'remove'] as const, { label: 'dataRights.delete.posts' }),
  confirm: field.checkbox({ label: 'dataRights.delete.confirm' }),
})
