// Data rights: the export holds everything of the member and nothing of others; deleting an
// account leaves no trace of the name or the address in any table; retention with a fake clock.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { accountCronItems } from '../../src/features/accounts/accounts.jobs.ts'
import { applyRetention } from '../../src/features/accounts/retention.ts'
import { asCurrent, createThread, reply as replyTo } from '../discussions/helpers.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, createOrganisation, defaultPassword, signInAs } from '../helpers/factories.ts'
import { sendQueuedMail } from '../helpers/mail.ts'
import { signIn } from './helpers.ts'

const setup = useTestApp()
const db = () => setup.database.db

/** Members write through the discussions service, as the pages do. */
async function startThread(memberId: number, title: string, body: string) {
  const member = await db()
    .selectFrom('members')
    .selectAll()
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow()
  return (await createThread(db(), asCurrent(member), { title, body })).threadId
}

async function reply(memberId: number, threadId: number, body: string) {
  const member = await db()
    .selectFrom('members')
    .selectAll()
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow()
  return replyTo(db(), asCurrent(member), threadId, undefined, body)
}

/** Every text-like column of every table in every schema that holds `needle` (any case). */
async function tablesHolding(needle: string): Promise<string[]> {
  const { rows: columns } = await sql<{ schema: string; table: string; column: string }>`
    select c.table_schema as schema, c.table_name as table, c.column_name as column
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where t.table_type = 'BASE TABLE'
      and c.table_schema not in ('pg_catalog', 'information_schema', 'pg_toast')
      and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'tsvector')
        or c.udt_name = 'citext')`.execute(db())
  expect(columns.length).toBeGreaterThan(40)
  const found: string[] = []
  for (const { schema, table, column } of columns) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(schema, table)} where ${sql.id(column)}::text ilike ${`%${needle}%`}`.execute(
      db(),
    )
    if (rows[0]!.n > 0) found.push(`${schema}.${table}.${column}`)
  }
  return found
}

describe('data export (Art. 15, 20)', () => {
  it('is made in the background, mailed when ready, and holds the member’s data and nothing of others', async () => {
    const organisation = await createOrganisation(db(), { name: 'Stadt Exporthausen' })
    const member = await createMember(db(), {
      name: 'Ulla Export',
      organisationId: organisation.id,
      jobTitle: 'Leitung Datenschutz',
    })
    const other = await createMember(db(), { name: 'Otto Fremdling' })
    const ownThread = await startThread(member.id, 'Mein Thema über Fachverfahren', 'Eröffnung von **Ulla**.')
    const foreignThread = await startThread(
      other.id,
      'Ottos geheimes Thema',
      'Text von Otto, nicht von Ulla.',
    )
    await reply(member.id, foreignThread, 'Ullas Antwort in *Markdown*.')
    await reply(other.id, ownThread, 'Ottos Antwort bei Ulla.')
    const othersPost = { id: await reply(other.id, ownThread, 'Noch eine Antwort von Otto.') }
    await db()
      .insertInto('reactions')
      .values({ post_id: othersPost.id, member_id: member.id, kind: 'helpful' })
      .execute()
    await db()
      .insertInto('follows')
      .values({ thread_id: foreignThread, member_id: member.id })
      .onConflict((oc) => oc.doNothing())
      .execute()

    const { agent } = await signIn(setup.app, member.email)
    const page = await agent.get('/account/data')
    expect(page.statusCode).toBe(200)
    const asked = await agent.submit('/account/data', '/account/data/export', {})
    expect(asked.headers.location).toBe('/account/data')
    expect((await agent.get('/account/data')).body).toContain('wird erstellt')
    // Asking twice while one is being made adds nothing.
    await agent.submit('/account/data', '/account/data/export', {})
    const requests = await db()
      .selectFrom('data_exports')
      .select('id')
      .where('member_id', '=', member.id)
      .execute()
    expect(requests).toHaveLength(1)

    const mails = await sendQueuedMail(setup.database)
    const ready = mails.find((m) => m.to === member.email && m.subject === 'Ihr Datenexport liegt bereit')
    expect(String(ready?.text)).toContain('http://forum.test/account/data')
    const list = await agent.get('/account/data')
    const link = list.body.match(/href="(\/account\/data\/export\/\d+)"/)?.[1]
    expect(link).toBeDefined()
    const file = await agent.get(link!)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toMatch(/^application\/json/)
    expect(file.headers['content-disposition']).toMatch(
      /^attachment; filename="vertrauensraum-daten-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    const data = JSON.parse(file.body)
    expect(data.profile).toMatchObject({
      name: 'Ulla Export',
      email: member.email,
      jobTitle: 'Leitung Datenschutz',
      status: 'verified',
    })
    expect(data.organisation).toMatchObject({ name: 'Stadt Exporthausen' })
    expect(data.threads.map((t: { title: string }) => t.title)).toEqual(['Mein Thema über Fachverfahren'])
    expect(data.posts.map((p: { markdown: string }) => p.markdown).sort()).toEqual([
      'Eröffnung von **Ulla**.',
      'Ullas Antwort in *Markdown*.',
    ])
    expect(data.reactions).toEqual([expect.objectContaining({ postId: othersPost.id, kind: 'helpful' })])
    expect(data.follows.map((f: { threadId: number }) => f.threadId)).toContain(foreignThread)
    expect(data.sessions.length).toBeGreaterThan(0)
    expect(data.statusHistory.map((e: { action: string }) => e.action)).toContain('login.succeeded')
    expect(data.statusHistory.map((e: { action: string }) => e.action)).toContain('data_export.requested')
    expect(data.settings).toHaveProperty('digest')
    expect(data.mailLog).toHaveProperty('digestsAndNotifications')

    // Nothing of the other member: not their name, address, thread title or text.
    for (const foreign of [
      'Otto Fremdling',
      other.email,
      'Ottos geheimes Thema',
      'Text von Otto',
      'Ottos Antwort',
    ]) {
      expect(file.body, foreign).not.toContain(foreign)
    }
    // No secrets.
    expect(file.body).not.toContain('$argon2')

    // Another member cannot open it.
    const stranger = createAgent(setup.app)
    await signInAs(db(), stranger, other.id)
    expect((await stranger.get(link!)).statusCode).toBe(404)
  })
})

describe('account deletion (Art. 17)', () => {
  it('leaves the name and the address in no table; posts kept as "Ehemaliges Mitglied"', async () => {
    const name = 'Zacharias Quendelmeyer'
    const organisation = await createOrganisation(db())
    const member = await createMember(db(), {
      name,
      email: 'z.quendelmeyer@quendelstadt.example',
      jobTitle: 'Quendel-Beauftragter',
      organisationId: organisation.id,
    })
    const friend = await createMember(db())
    const threadId = await startThread(member.id, 'Offene Daten im Kreis', 'Mein Beitrag zur Sache.')
    const friendsPost = { id: await reply(friend.id, threadId, 'Danke für den Anstoß!') }
    await db().updateTable('posts').set({ helpful_count: 1 }).where('id', '=', friendsPost.id).execute()
    await db()
      .insertInto('reactions')
      .values({ post_id: friendsPost.id, member_id: member.id, kind: 'helpful' })
      .execute()

    // Traces everywhere: sessions, an invitation, a failed sign-in, a token, a second factor,
    // an export, a mail record and mail waiting to be sent.
    const { agent } = await signIn(setup.app, member.email)
    await signIn(setup.app, member.email, { password: 'ganz-falsches-Passwort-1' })
    await agent.submit('/invite', '/invite', {
      email: 'kollegin@quendelstadt.example',
      note: `Grüße von ${name}`,
    })
    await agent.submit('/account/data', '/account/data/export', {})
    await sendQueuedMail(setup.database)
    await agent.submit('/account/data', '/account/data/export', {})
    await agent.submit('/account/second-factor', '/account/second-factor/enrol', { code: '000000' })
    await createAgent(setup.app).submit('/password/forgot', '/password/forgot', { email: member.email })
    await db()
      .insertInto('mail_deliveries')
      .values({
        member_id: member.id,
        kind: 'digest',
        period_key: 'weekly:2026-11-23',
        window_start: new Date(),
        window_end: new Date(),
        message_id: '<x@vertrauensraum>',
      })
      .execute()
    expect(await tablesHolding(name)).not.toEqual([])

    const refused = await agent.submit('/account/data', '/account/delete', {
      password: 'falsch-falsch-falsch',
      posts: 'keep',
      confirm: 'yes',
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('href="#field-password"')
    const unconfirmed = await agent.submit('/account/data', '/account/delete', {
      password: defaultPassword,
      posts: 'keep',
    })
    expect(unconfirmed.statusCode).toBe(422)
    expect(unconfirmed.body).toContain('href="#field-confirm"')

    const deleted = await agent.submit('/account/data', '/account/delete', {
      password: defaultPassword,
      posts: 'keep',
      confirm: 'yes',
    })
    expect(deleted.statusCode).toBe(200)
    expect(deleted.body).toContain('Ihr Konto ist gelöscht')
    expect((await agent.get('/account')).statusCode).toBe(303)
    const goodbye = await sendQueuedMail(setup.database)
    expect(goodbye.map((m) => [m.to, m.subject])).toContainEqual([member.email, 'Ihr Konto wurde gelöscht'])

    for (const needle of [name, 'Quendelmeyer', member.email, 'quendelmeyer@', 'Quendel-Beauftragter']) {
      expect(await tablesHolding(needle), needle).toEqual([])
    }
    // The posts stay, under "Ehemaliges Mitglied"; the audit log keeps the number.
    const reader = createAgent(setup.app)
    await signInAs(db(), reader, friend.id)
    const thread = await reader.get(`/t/${threadId}`)
    expect(thread.body).toContain('Mein Beitrag zur Sache.')
    expect(thread.body).toContain('Ehemaliges Mitglied')
    const entries = await db()
      .selectFrom('audit_events')
      .select('action')
      .where('subject_id', '=', member.id)
      .execute()
    expect(entries.map((e) => e.action)).toContain('member.deleted')
    const helpful = await db()
      .selectFrom('posts')
      .select('helpful_count')
      .where('id', '=', friendsPost.id)
      .executeTakeFirstOrThrow()
    expect(helpful.helpful_count).toBe(0)
    // Nobody signs in as them again.
    expect((await signIn(setup.app, member.email)).response.statusCode).toBe(422)
  })

  it('removes the posts at the member’s choice: their own thread goes, replies of others stay', async () => {
    const member = await createMember(db(), { name: 'Rita Raus' })
    const friend = await createMember(db())
    const alone = await startThread(member.id, 'Nur von Rita', 'Niemand antwortet.')
    const shared = await startThread(member.id, 'Rita fragt', 'Ritas Frage.')
    await reply(friend.id, shared, 'Die Antwort der Kollegin.')
    const { agent } = await signIn(setup.app, member.email)
    const deleted = await agent.submit('/account/data', '/account/delete', {
      password: defaultPassword,
      posts: 'remove',
      confirm: 'yes',
    })
    expect(deleted.statusCode).toBe(200)
    expect(
      await db().selectFrom('threads').select('id').where('id', '=', alone).executeTakeFirst(),
    ).toBeUndefined()
    const kept = await db()
      .selectFrom('threads')
      .select('title')
      .where('id', '=', shared)
      .executeTakeFirstOrThrow()
    expect(kept.title).toBe('Thema eines ehemaligen Mitglieds')
    await sendQueuedMail(setup.database)
    for (const needle of ['Ritas Frage', 'Niemand antwortet', 'Rita Raus', 'Nur von Rita']) {
      expect(await tablesHolding(needle), needle).toEqual([])
    }
    const reader = createAgent(setup.app)
    await signInAs(db(), reader, friend.id)
    expect((await reader.get(`/t/${shared}`)).body).toContain('Die Antwort der Kollegin.')
  })
})

describe('retention', () => {
  const periods = { unconfirmedDays: 30, rejectedDays: 180, mailDays: 30 }
  const day = 86_400_000

  it('removes unconfirmed registrations, rejected applications, old mail records, exports and drafts after their periods', async () => {
    const unconfirmed = await createMember(db(), { status: 'pending_email', name: 'Una Unbestätigt' })
    const rejected = await createMember(db(), { status: 'rejected', name: 'Rex Abgelehnt' })
    const waiting = await createMember(db(), { status: 'pending_review' })
    await db()
      .insertInto('mail_sends')
      .values({ message_id: '<old@vertrauensraum>', template: 'account.approved', status: 'sent' })
      .execute()
    await db().insertInto('data_exports').values({ member_id: waiting.id }).execute()
    await sql`insert into drafts (member_id, draft_key, fields) values (${waiting.id}, 'thread:new', '{}')`.execute(
      db(),
    )
    const now = Date.now()

    // A day later nothing is due yet.
    let result = await applyRetention(db(), periods, new Date(now + day))
    expect(result).toMatchObject({ unconfirmed: 0, rejected: 0, mailRecords: 0, exports: 0, drafts: 0 })

    // After 31 days: the unconfirmed registration, the mail record and the export.
    result = await applyRetention(db(), periods, new Date(now + 31 * day))
    expect(result).toMatchObject({ unconfirmed: 1, rejected: 0, drafts: 1 })
    const drafts = await sql<{
      n: number
    }>`select count(*)::int as n from drafts where member_id = ${waiting.id}`.execute(db())
    expect(drafts.rows[0]!.n).toBe(0)
    expect(result.mailRecords).toBeGreaterThanOrEqual(1)
    const oldSend = await db()
      .selectFrom('mail_sends')
      .select('message_id')
      .where('message_id', '=', '<old@vertrauensraum>')
      .executeTakeFirst()
    expect(oldSend).toBeUndefined()
    expect(
      await db()
        .selectFrom('data_exports')
        .select('id')
        .where('member_id', '=', waiting.id)
        .executeTakeFirst(),
    ).toBeUndefined()
    const ids = async () =>
      (
        await db()
          .selectFrom('members')
          .select('id')
          .where('id', 'in', [unconfirmed.id, rejected.id, waiting.id])
          .execute()
      )
        .map((r) => r.id)
        .sort()
    expect(await ids()).toEqual([rejected.id, waiting.id].sort())

    // After 181 days: the rejected application too; an applicant in review stays.
    result = await applyRetention(db(), periods, new Date(now + 181 * day))
    expect(result.rejected).toBe(1)
    expect(await ids()).toEqual([waiting.id])
    expect(await tablesHolding('Una Unbestätigt')).toEqual([])
    expect(await tablesHolding('Rex Abgelehnt')).toEqual([])
    const audit = await db()
      .selectFrom('audit_events')
      .select(['subject_id', 'details'])
      .where('action', '=', 'member.deleted')
      .where('subject_id', 'in', [unconfirmed.id, rejected.id])
      .execute()
    expect(audit).toHaveLength(2)
  })

  it('runs daily as a cron item, and the periods come from the configuration', async () => {
    expect(accountCronItems().map((item) => item.task)).toContain('apply_retention')
    const { testConfig } = await import('../helpers/app.ts')
    const config = testConfig({
      RETENTION_UNCONFIRMED_DAYS: '7',
      RETENTION_REJECTED_DAYS: '30',
      RETENTION_MAIL_DAYS: '14',
    })
    expect(config).toMatchObject({
      retentionUnconfirmedDays: 7,
      retentionRejectedDays: 30,
      retentionMailDays: 14,
    })
    expect(testConfig()).toMatchObject({
      retentionUnconfirmedDays: 30,
      retentionRejectedDays: 180,
      retentionMailDays: 30,
    })
    expect(() => testConfig({ RETENTION_MAIL_DAYS: '3' })).toThrow(/RETENTION_MAIL_DAYS/)
  })
})
