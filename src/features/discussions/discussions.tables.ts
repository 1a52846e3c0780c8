// Kysely table types of the discussions feature; merged into Database in src/db/schema.ts.
export type DiscussionsTables = {}
