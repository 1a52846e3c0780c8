// The input of the report and report-action routes (see lib/form-schema.ts).
import { field, formSchema } from '../../lib/form-schema.ts'
import { reportReasons } from './reports.repository.ts'

export const reportForm = formSchema({
  reason: field.choice(reportReasons, { label: 'reports.reason', message: 'validation.required' }),
  text: field.text({ max: 2000, label: 'reports.text' }),
})

export const actionForm = formSchema({
  reason: field.text({ required: true, max: 1000, label: 'reports.action.reason' }),
})

export const editForm = formSchema({
  reason: field.text({ required: true, max: 1000, label: 'reports.action.reason' }),
  body: field.text({ required: true, max: 50000, label: 'reports.action.editBody' }),
  note: field.line({ required: true, max: 500, label: 'reports.action.editNote' }),
})
