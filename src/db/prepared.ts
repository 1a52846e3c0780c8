// Statements a page runs on every request, planned once per connection: PostgreSQL keeps the
// plan of a named (prepared) statement, so a long statement (a search with the visibility rule
// around it costs 1–2 ms to plan, more than most of it takes to run) is planned once, and later
// requests send only its parameters, not its text. The statement's name comes from its text,
// so a changed statement is a new one. After five runs PostgreSQL may keep one generic plan for
// all parameters: a `limit` that decides the plan belongs in the text as a literal (sql.lit), since
// planning for an unknown limit it reckons with a tenth of the table (the thread lists sorted
// 5,000 threads instead of reading the newest few from their index).
import { createHash } from 'node:crypto'
import type { CompiledQuery } from 'kysely'
import { type Db, poolUseOf } from './database.ts'

/** Names of the texts seen so far; statements with many shapes beyond this run unprepared. */
const names = new Map<string, string>()
const maxNames = 500

function nameOf(prefix: string, text: string): string | undefined {
  const known = names.get(text)
  if (known || names.size >= maxNames) return known
  const name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`
  names.set(text, name)
  return name
}

/**
 * The rows of a compiled statement, as a prepared statement of the Db's pool. A Db without a
 * pool of its own (a transaction, a test's own Kysely) runs it as usual.
 */
export async function preparedRows<R>(db: Db, prefix: string, query: CompiledQuery<R>): Promise<R[]> {
  const pool = poolUseOf(db)?.pool
  const name = pool ? nameOf(prefix, query.sql) : undefined
  if (!pool || !name) return (await db.executeQuery(query)).rows
  const result = await pool.query({ name, text: query.sql, values: [...query.parameters] })
  return result.rows as R[]
}
