// Kysely table types of the mail feature; merged into Database in src/db/schema.ts.
export type MailTables = {}
