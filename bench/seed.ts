// Scratch database and seed data of the benchmarks: a realistic forum, inserted set-based.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Signer } from '@fastify/cookie'
import { sql } from 'kysely'
import pg from 'pg'
import { type Db, databaseUrlFor } from '../src/db/database.ts'
import { freePort } from '../src/lib/free-port.ts'

export const sessionSecret = 'bench-secret-bench-secret-bench-secret-0123456789'

// ---------------------------------------------------------------------------------------
// Database

export interface Scratch {
  /** The embedded cluster's data folder (undefined with BENCH_DATABASE_URL). */
  dataDirectory: string | undefined
  serverUrl: string
  url: string
  name: string
  cleanup(): Promise<void>
}

export async function scratchDatabase(): Promise<Scratch> {
  let serverUrl = process.env.BENCH_DATABASE_URL
  let stop: (() => Promise<void>) | undefined
  let folder: string | undefined
  if (!serverUrl) {
    const { startEmbeddedPostgres } = await import('../src/db/embedded-postgres.ts')
    const base = path.join(os.tmpdir(), 'vertrauensraum-bench')
    mkdirSync(base, { recursive: true, mode: 0o755 })
    folder = mkdtempSync(path.join(base, 'pg-'))
    rmSync(folder, { recursive: true })
    const embedded = await startEmbeddedPostgres({
      directory: path.join(folder, 'data'),
      port: await freePort(),
      ephemeral: true,
    })
    serverUrl = embedded.url
    stop = embedded.stop
  }
  const name = `vr_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  return {
    serverUrl,
    url: databaseUrlFor(serverUrl, name),
    name,
    dataDirectory: folder ? path.join(folder, 'data') : undefined,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
      if (stop) await stop()
      if (folder) rmSync(folder, { recursive: true, force: true })
    },
  }
}

// ---------------------------------------------------------------------------------------
// Seeding: set-based SQL for the bulk, a generated tree for the two measured threads

const sentences = [
  'Wir haben im letzten Jahr einen ersten Versuch mit drei Fachbereichen gestartet.',
  'Die größte Hürde war nicht die Technik, sondern die Abstimmung mit dem Personalrat.',
  'Unser IT-Dienstleister betreibt die Lösung inzwischen im kommunalen Rechenzentrum.',
  'Hat jemand Erfahrungen mit der Ausschreibung nach EVB-IT Cloud gesammelt?',
  'Die Bürgerinnen und Bürger nutzen den Dienst vor allem abends und am Wochenende.',
  'Wichtig war uns, dass die Daten das Land nicht verlassen.',
  'Wir würden gern mit zwei oder drei Nachbarkommunen gemeinsam weitermachen.',
  'Der Datenschutzbeauftragte hat früh mitgewirkt, das hat viel Zeit gespart.',
  'Die Kosten lagen am Ende etwa ein Drittel unter unserer Schätzung.',
  'Offen ist noch, wer den Betrieb nach der Pilotphase finanziert.',
  'Ein Leitfaden für die Fachämter hat die Einführung deutlich erleichtert.',
  'Wir teilen gern unsere Unterlagen, sprechen Sie mich einfach an.',
  'Die Schnittstelle zum Fachverfahren war aufwendiger als gedacht.',
  'Im Rat gab es eine lebhafte Diskussion über Open Source.',
  'Nach sechs Monaten haben wir die Ergebnisse ausgewertet und veröffentlicht.',
  'Unsere Erfahrung: klein anfangen, schnell lernen, dann ausweiten.',
]

/** A post body of two paragraphs, chosen by number; Markdown source and the HTML it renders to. */
function bodyFor(n: number): { source: string; html: string } {
  const s = (k: number) => sentences[(n * 7 + k * 5) % sentences.length]!
  const first = `${s(0)} ${s(1)} ${s(2)}`
  const second = `${s(3)} **${s(4)}**`
  return {
    source: `${first}\n\n${second}`,
    html: `<p>${first}</p>\n<p>${second.replace(/\*\*(.+)\*\*/, '<strong>$1</strong>')}</p>`,
  }
}

function sqlArray(values: readonly string[]) {
  return sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`)
}

const genericThreads = 9_998
const postsPerGenericThread = 20

export interface Seeded {
  /** Threads of 10, 100 (one window) and 5,000 posts (about 50 windows), replies as a random tree. */
  thread10: number
  thread100: number
  thread5000: number
  /** The reader of the pages. */
  memberId: number
  /** Two more members, who write the measured replies (the posting limit is per member). */
  writerIds: [number, number]
}

export async function seed(db: Db): Promise<Seeded> {
  const firstNames = [
    'Anna',
    'Jonas',
    'Mona',
    'Peter',
    'Sabine',
    'Ayşe',
    'Lukas',
    'Claudia',
    'Mehmet',
    'Julia',
    'Thomas',
    'Katrin',
  ]
  const lastNames = [
    'Becker',
    'Schmidt',
    'Yılmaz',
    'Wagner',
    'Hoffmann',
    'Schulz',
    'Koch',
    'Richter',
    'Klein',
    'Wolf',
    'Neumann',
    'Krüger',
  ]
  const jobs = [
    'Digitalisierungsbeauftragte',
    'CDO',
    'IT-Leitung',
    'Referent Smart City',
    'Informationssicherheitsbeauftragter',
    'Projektleitung OZG',
  ]
  const towns = [
    'Musterstadt',
    'Beispielhausen',
    'Neustadt',
    'Altdorf',
    'Bergheim',
    'Seestadt',
    'Waldkirch',
    'Flussbach',
  ]
  const tags = [
    'ki',
    'chatbot',
    'ozg',
    'cloud',
    'open source',
    'datenschutz',
    'sensorik',
    'beschaffung',
    'personal',
    'efa',
    'portal',
    'notfall',
  ]

  await sql`
    insert into organisations (kind, name, official_key, land)
    select 'gemeinde', 'Stadt ' || (${sqlArray(towns)})[1 + n % 8] || ' ' || n, null, 'Nordrhein-Westfalen'
    from generate_series(1, 300) n
  `.execute(db)
  await sql`
    insert into members (email, name, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    select 'mitglied' || n || '@bench.example', (${sqlArray(firstNames)})[1 + n % 12] || ' ' || (${sqlArray(lastNames)})[1 + (n / 12) % 12],
      (${sqlArray(jobs)})[1 + n % 6], (select min(id) from organisations) + n % 300, 'x', 'verified', now(), now(), now() + interval '1 year'
    from generate_series(1, 2000) n
  `.execute(db)
  const member = await sql<{ id: number }>`
    insert into members (email, name, job_title, organisation_id, password_hash, status, email_confirmed_at, verified_at, verified_until)
    values ('bench@bench.example', 'Bench Leserin', 'CDO', (select min(id) from organisations), 'x', 'verified', now(), now(), now() + interval '1 year')
    returning id
  `.execute(db)
  const memberId = member.rows[0]!.id
  const { rows: memberRange } = await sql<{ min: number }>`select min(id)::int as min from members`.execute(
    db,
  )
  const firstMember = memberRange[0]!.min

  // Generic threads 1 … 9,998 in 7 categories, last active over the past year (whole minutes).
  await sql`
    insert into threads (id, category_id, author_id, title, stage, confidential, created_at, last_activity_at, reply_count)
    select t, (select id from categories order by position offset (t % 7) limit 1), ${firstMember} + t % 2000,
      'Thema ' || t || ': ' || (${sqlArray(sentences)})[1 + t % 16],
      (array['idea','concept','pilot','in_use','dropped'])[1 + t % 5], t % 17 = 0,
      timestamptz '2025-06-01' + make_interval(mins => t * 50),
      timestamptz '2025-06-01' + make_interval(mins => t * 50 + 45),
      ${postsPerGenericThread - 1}
    from generate_series(1, ${genericThreads}) t
  `.execute(db)
  // 20 posts per generic thread: the opening post, then chains of up to three nested replies.
  // Bodies: two paragraphs from the sentences above, about 350 characters.
  const s = (expr: string) => sql.raw(`(${sqlArray(sentences).compile(db).sql})[1 + (${expr}) % 16]`)
  await sql`
    insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at, helpful_count)
    select o + k, t, ${firstMember} + (t * 7 + k) % 2000,
      case when k = 0 then null when (k - 1) % 3 = 0 then o else o + k - 1 end,
      case when k = 0 then array[o]
        else array[o] || array(select o + 3 * ((k - 1) / 3) + 1 + x from generate_series(0, (k - 1) % 3) x) end,
      case when k = 0 then 0 else 1 + (k - 1) % 3 end,
      a || ' ' || b || E'\n\n' || c || ' **' || d || '**',
      '<p>' || a || ' ' || b || E'</p>\n<p>' || c || ' <strong>' || d || '</strong></p>',
      timestamptz '2025-06-01' + make_interval(mins => t * 50 + k * 2), (t + k) % 4
    from generate_series(1, ${genericThreads}) t,
      lateral (select (t - 1) * ${postsPerGenericThread} + 1 as o) base,
      generate_series(0, ${postsPerGenericThread - 1}) k,
      lateral (select ${s('t + k')} as a, ${s('t * 3 + k * 5')} as b, ${s('t * 7 + k * 3 + 1')} as c, ${s('t + k * 11 + 2')} as d) body
  `.execute(db)
  await sql`
    update threads set opening_post_id = (id - 1) * ${postsPerGenericThread} + 1, last_post_id = id * ${postsPerGenericThread}
  `.execute(db)
  await sql`
    insert into thread_tags (thread_id, tag)
    select t, (${sqlArray(tags)})[1 + t % 12] from generate_series(1, ${genericThreads}) t
    union all
    select t, (${sqlArray(tags)})[1 + (t / 12) % 12] from generate_series(1, ${genericThreads}) t where t % 3 = 0
    on conflict do nothing
  `.execute(db)

  // The two measured threads: a random reply tree (deterministic), most replies to recent posts.
  let nextPostId = genericThreads * postsPerGenericThread + 1
  const bigThread = async (threadId: number, count: number, title: string) => {
    let seedValue = threadId
    const random = () => {
      seedValue = (seedValue * 1_103_515_245 + 12_345) % 2_147_483_648
      return seedValue / 2_147_483_648
    }
    const posts: { id: number; parent: number | null; path: number[]; author: number; n: number }[] = []
    for (let i = 0; i < count; i++) {
      const id = nextPostId++
      let parent: (typeof posts)[number] | undefined
      if (i > 0) {
        const r = random()
        const index =
          r < 0.3 ? 0 : Math.max(0, posts.length - 1 - Math.floor(random() * Math.min(posts.length, 12)))
        parent = posts[index]
      }
      posts.push({
        id,
        parent: parent?.id ?? null,
        path: [...(parent?.path ?? []), id],
        author: firstMember + Math.floor(random() * 2000),
        n: i,
      })
    }
    const bodies = posts.map((p) => bodyFor(p.n + threadId))
    await sql`
      insert into threads (id, category_id, author_id, title, stage, created_at, last_activity_at, reply_count)
      values (${threadId}, (select id from categories where slug = 'ki'), ${posts[0]!.author}, ${title}, 'pilot',
        timestamptz '2026-11-01', timestamptz '2026-11-20', ${count - 1})
    `.execute(db)
    await sql`
      insert into posts (id, thread_id, author_id, parent_id, path, depth, body_source, body_html, created_at, helpful_count)
      select id, ${threadId}, author, parent, path::int[], cardinality(path::int[]) - 1, source, html,
        timestamptz '2026-11-01' + make_interval(mins => n), n % 5
      from unnest(${sql.val(posts.map((p) => p.id))}::int[], ${sql.val(posts.map((p) => p.author))}::int[],
        ${sql.val(posts.map((p) => p.parent))}::int[], ${sql.val(posts.map((p) => `{${p.path.join(',')}}`))}::text[],
        ${sql.val(bodies.map((b) => b.source))}::text[], ${sql.val(bodies.map((b) => b.html))}::text[],
        ${sql.val(posts.map((p) => p.n))}::int[]) as x(id, author, parent, path, source, html, n)
    `.execute(db)
    await sql`update threads set opening_post_id = ${posts[0]!.id}, last_post_id = ${posts.at(-1)!.id} where id = ${threadId}`.execute(
      db,
    )
    await sql`insert into thread_tags (thread_id, tag) values (${threadId}, 'ki'), (${threadId}, 'chatbot')`.execute(
      db,
    )
    // The reader reacted to every tenth post.
    await sql`
      insert into reactions (post_id, member_id, kind)
      select id, ${memberId}, 'helpful' from posts where thread_id = ${threadId} and id % 10 = 0
    `.execute(db)
    return threadId
  }
  const thread100 = await bigThread(
    genericThreads + 1,
    101,
    'KI-Assistent im Bürgerbüro: Erfahrungen aus dem Pilot',
  )
  const thread5000 = await bigThread(
    genericThreads + 2,
    5000,
    'Sammelthema: Erfahrungen mit dem Onlinezugangsgesetz',
  )
  const thread10 = await bigThread(genericThreads + 3, 10, 'Kurze Frage zur E-Akte')

  // The reader follows a few threads and has a few unread notifications elsewhere.
  await sql`insert into follows (thread_id, member_id) select t, ${memberId} from generate_series(1, 20) t`.execute(
    db,
  )
  await sql`
    insert into notifications (member_id, kind, thread_id, post_id, actor_id)
    select ${memberId}, 'followed_thread', t, t * ${postsPerGenericThread}, ${firstMember} from generate_series(1, 5) t
  `.execute(db)

  await sql`select setval(pg_get_serial_sequence('threads', 'id'), (select max(id) from threads))`.execute(db)
  await sql`select setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts))`.execute(db)
  const writers = await sql<{ id: number }>`
    select id from members where email in ('mitglied1@bench.example', 'mitglied2@bench.example') order by id
  `.execute(db)
  await sql`analyze`.execute(db)
  return { thread10, thread100, thread5000, memberId, writerIds: [writers.rows[0]!.id, writers.rows[1]!.id] }
}

export async function signIn(db: Db, memberId: number): Promise<string> {
  const { hashSessionId } = await import('../src/core/sessions/session-store.ts')
  const sessionId = randomBytes(24).toString('base64url')
  await sql`
    insert into sessions (sid_hash, member_id, data, idle_expires_at, absolute_expires_at)
    values (${hashSessionId(sessionId)}, ${memberId},
      ${JSON.stringify({ cookie: { originalMaxAge: 86_400_000, path: '/', httpOnly: true, sameSite: 'lax' } })},
      now() + interval '2 hours', now() + interval '1 day')
  `.execute(db)
  return `vr_session=${new Signer(sessionSecret, 'sha256').sign(sessionId)}`
}
