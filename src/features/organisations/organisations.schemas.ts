// The input of the directory's routes, declared once (see lib/form-schema.ts).
import { type TSchema, Type } from '@sinclair/typebox'
import { type OrganisationKind, organisationKinds } from '../../db/schema.ts'
import { field, formSchema, param } from '../../lib/form-schema.ts'
import { landCodes } from './lands.ts'
import { maxNameLength } from './organisations.validation.ts'

/** An id that may also be left empty (nothing picked): anything else is a 400 page. */
export const optionalId = () => Type.Union([Type.Literal(''), param.id()])

/** The public search: the registration form sends orgQuery, the picker's own field q. */
export const searchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  orgQuery: Type.Optional(Type.String({ maxLength: 200 })),
  organisationId: Type.Optional(optionalId()),
})

/** The registration form's e-mail field asks for the organisation of its domain (htmx). */
export const proposalQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 300 })),
  orgQuery: Type.Optional(Type.String({ maxLength: 200 })),
  organisationId: Type.Optional(optionalId()),
  proposedId: Type.Optional(optionalId()),
})

/** A list filter that is either valid or ignored: a stale or hand-edited link shows the list. */
const lenient = <T extends TSchema>(schema: T) => Type.Union([schema, Type.String({ maxLength: 1000 })])

export const listQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 1000 })),
  kind: Type.Optional(
    lenient(Type.Unsafe<OrganisationKind>({ type: 'string', enum: [...organisationKinds] })),
  ),
  page: Type.Optional(lenient(Type.Integer({ minimum: 1, maximum: 10_000 }))),
})

export const organisationParams = Type.Object({ id: param.id() })

export const organisationForm = formSchema({
  name: field.line({ required: true, max: maxNameLength, label: 'organisation.field.name' }),
  kind: field.choice(organisationKinds, {
    label: 'organisation.field.kind',
    message: 'organisation.error.kindInvalid',
  }),
  officialKey: field.line({
    max: 40,
    label: 'organisation.field.officialKey',
    message: 'organisation.error.keyDigits',
  }),
  land: field.choice(['', ...landCodes], {
    label: 'organisation.field.land',
    message: 'organisation.error.landInvalid',
  }),
  domains: field.text({ max: 20_000, label: 'organisation.field.domains' }),
  autoApprove: field.checkbox({ label: 'organisation.field.autoApprove' }),
  municipalities: field.text({ max: 50_000, label: 'organisation.field.municipalities' }),
  // The municipality search inside the form (nothing of it is saved): its query, the result
  // picked, and which button was pressed (save, search, add the picked one).
  municipalityQuery: field.line({ max: 200, label: 'organisation.field.municipalityQuery' }),
  municipalityPick: field.id({ label: 'organisation.field.municipalityQuery' }),
  intent: field.choice(['', 'save', 'findMunicipality', 'addMunicipality']),
})

/** The municipality search of the form, as htmx asks for its results while one types. */
export const municipalitySearchQuery = Type.Object({
  municipalityQuery: Type.Optional(Type.String({ maxLength: 200 })),
})
