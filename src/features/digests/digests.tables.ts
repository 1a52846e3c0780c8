// Kysely table types of the digests feature; merged into Database in src/db/schema.ts.
export type DigestsTables = {}
