// EXPLAIN ANALYZE of every statement a search and a similar-threads lookup run, against a seeded
// bench database (BENCH_SEARCH_KEEP keeps one): what each costs to plan and to run.
//
//   node bench/search-explain.ts postgres://…/vr_bench_search_… [--plans]
//   node bench/search-explain.ts <kept folder> <database name> [--plans]   (starts that cluster)
//
// The statements are captured from the real service code (Kysely's query log), then each is
// explained with its parameters. --plans prints the plans too.
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { CurrentMember } from '../src/core/members/current-member.ts'
import { databaseUrlFor } from '../src/db/database.ts'
import type { Database } from '../src/db/schema.ts'
import {
  readSearchInput,
  search,
  similarToDraft,
  similarToThread,
} from '../src/features/search/search.service.ts'
import { freePort } from '../src/lib/free-port.ts'
import { benchWords } from './search-corpus.ts'

const [target, name] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
if (!target)
  throw new Error('usage: node bench/search-explain.ts <database url> | <kept folder> <database> [--plans]')
let stopCluster = async () => {}
let url = target
if (!/^postgres(ql)?:/.test(target)) {
  const { embeddedServerUrl, runningCluster, startEmbeddedPostgres } = await import(
    '../src/db/embedded-postgres.ts'
  )
  const directory = path.join(target, 'data')
  const running = runningCluster(directory)
  if (running) url = databaseUrlFor(embeddedServerUrl(running.port), name!)
  else {
    const cluster = await startEmbeddedPostgres({ directory, port: await freePort(), ephemeral: true })
    stopCluster = cluster.stop
    url = databaseUrlFor(cluster.url, name!)
  }
}
const showPlans = process.argv.includes('--plans')

interface Captured {
  sql: string
  parameters: readonly unknown[]
}
let captured: Captured[] = []
const pool = new pg.Pool({ connectionString: url, max: 2 })
// The cluster stops before the pool notices: its clients' goodbye errors are expected.
pool.on('error', () => {})
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool }),
  log(event) {
    if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters })
  },
})

const memberId = (
  await sql<{ id: number }>`select id from members where email = 'bench@bench.example'`.execute(db)
).rows[0]!.id
const member = { id: memberId } as CurrentMember
const similarThread = (
  await sql<{ id: number }>`select id from threads order by title like 'Chatbot %' desc, id limit 1`.execute(
    db,
  )
).rows[0]!.id
const rare = (
  await sql<{
    word: string
  }>`select word from search_words where length(word) > 7 order by md5(word) limit 1`.execute(db)
).rows[0]!.word

const cases: [string, () => Promise<unknown>][] = [
  ...(
    [
      ['common word', { q: benchWords.common }],
      ['rare word', { q: rare }],
      ['two words', { q: benchWords.twoWords.join(' ').toLowerCase() }],
      ['phrase', { q: `"${benchWords.phrase}"` }],
      ['filtered', { q: benchWords.common, category: 'ki', stage: 'pilot' }],
      ['newest', { q: benchWords.common, sort: 'newest' }],
    ] as const
  ).map(
    ([name, input]) =>
      [name, () => search(db, member, readSearchInput(input))] as [string, () => Promise<unknown>],
  ),
  [
    'similar (draft)',
    () =>
      similarToDraft(db, member, {
        title: 'Chatbot für Bürgeranfragen',
        body: 'Wir überlegen, einen Chatbot für häufige Bürgeranfragen einzusetzen. Wer hat Erfahrungen?',
      }),
  ],
  ['similar (thread)', () => similarToThread(db, member, similarThread)],
]

for (const [name, run] of cases) {
  await run() // warm the caches
  captured = []
  const t0 = performance.now()
  await run()
  const wall = performance.now() - t0
  const statements = captured
  console.log(`\n=== ${name}: ${statements.length} statements, ${wall.toFixed(1)} ms wall`)
  for (const statement of statements) {
    const { rows } = await pool.query(
      `explain (analyze, buffers, format text) ${statement.sql}`,
      statement.parameters as unknown[],
    )
    const lines = rows.map((r: Record<string, string>) => r['QUERY PLAN']!)
    const timing = lines.filter((l) => /^(Planning|Execution) Time/.test(l)).join(', ')
    console.log(`- ${statement.sql.replace(/\s+/g, ' ').slice(0, 110)} … → ${timing}`)
    if (showPlans) console.log(lines.map((l) => `    ${l}`).join('\n'))
  }
}
await db.destroy()
await stopCluster()
