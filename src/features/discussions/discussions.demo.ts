// Demo discussions for the operator CLI's demo-data command and for tests that need content
// (the access crawl). Goes through the real services, so posts are rendered, followed and
// notified exactly as members' posts are.

import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Db } from '../../db/database.ts'
import type { Clock } from '../../deps.ts'
import { findCategoryBySlug, listCategories } from './categories.repository.ts'
import { changeStage, replyToPost, startThread } from './discussions.service.ts'
import type { Stage } from './discussions.tables.ts'

interface DemoReply {
  body: string
  replies?: DemoReply[]
}

interface DemoThread {
  category: string
  title: string
  stage: Stage
  laterStage?: Stage
  tags: string
  confidential?: boolean
  body: string
  replies: DemoReply[]
}

const demoThreads: DemoThread[] = [
  {
    category: 'ki',
    title: 'KI-Assistent für Bürgeranfragen im Pilotbetrieb',
    stage: 'concept',
    laterStage: 'pilot',
    tags: 'chatbot, bürgerservice',
    body: 'Wir testen seit drei Monaten einen Assistenten, der Anfragen im Bürgerbüro vorsortiert.\n\n- Trefferquote bei Standardfragen: gut\n- Bei Sonderfällen: **Übergabe an Menschen** ist Pflicht\n\nWer hat ähnliche Erfahrungen?',
    replies: [
      {
        body: 'Spannend! Welche Daten verlassen dabei Ihr Rechenzentrum?',
        replies: [
          {
            body: 'Keine: das Modell läuft bei unserem kommunalen IT-Dienstleister.',
            replies: [{ body: 'Das ist der entscheidende Punkt für unseren Datenschutz. Danke!' }],
          },
        ],
      },
      { body: 'Wir haben einen ähnlichen Versuch nach sechs Wochen abgebrochen – gern erzähle ich, warum.' },
    ],
  },
  {
    category: 'smart-city',
    title: 'Vage Idee: Parkraumsensoren gemeinsam beschaffen',
    stage: 'idea',
    tags: 'beschaffung, sensorik',
    body: 'Mehrere Nachbarkommunen denken über Parkraumsensoren nach. Lohnt sich eine gemeinsame Ausschreibung?',
    replies: [{ body: 'Wir wären dabei, wenn die Daten offen bereitgestellt werden.' }],
  },
  {
    category: 'datenschutz',
    title: 'Erfahrungen nach einem Ransomware-Vorfall',
    stage: 'in_use',
    tags: 'notfallplanung',
    confidential: true,
    body: 'Vertraulich: was wir nach dem Angriff im letzten Jahr anders machen, und was wir gern vorher gewusst hätten.',
    replies: [
      {
        body: 'Danke für die Offenheit. Wie lange lief der Notbetrieb?',
        replies: [{ body: 'Gut vier Wochen, mit Papierformularen für die dringendsten Leistungen.' }],
      },
    ],
  },
  {
    category: 'open-source',
    title: 'Fachverfahren gemeinsam als Open Source entwickeln',
    stage: 'idea',
    laterStage: 'concept',
    tags: 'opencode, kooperation',
    body: 'Ein Konzept für eine Entwicklungsgemeinschaft mehrerer Kommunen liegt vor. Wer möchte gegenlesen?',
    replies: [{ body: 'Gern – wir bringen Erfahrungen mit einer Vergabe nach EVB-IT mit.' }],
  },
  {
    category: 'organisation-personal',
    title: 'Ratsarbeit papierlos mit einer Eigenentwicklung',
    stage: 'dropped',
    tags: 'ratsinformationssystem',
    body: 'Wir haben die Eigenentwicklung verworfen: der Betrieb hätte zu viele Stellen gebunden.',
    replies: [],
  },
]

function withMarker(text: string, marker: string | undefined): string {
  return marker ? `${text} ${marker}` : text
}

async function memberFor(db: Db, id: number): Promise<CurrentMember> {
  const row = await db
    .selectFrom('members')
    .select(['id', 'name', 'role', 'status', 'locale', 'organisation_id as organisationId'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  return row
}

/**
 * Creates a handful of threads at different stages with nested replies, one of them
 * confidential. `marker` appears in every thread title and post body created. Returns the
 * number of threads created.
 */
export async function seedDemoDiscussions(
  db: Db,
  options: { authorIds: number[]; marker?: string; clock?: Clock },
): Promise<number> {
  if (options.authorIds.length === 0) return 0
  const clock = options.clock ?? { now: () => new Date() }
  const authors = await Promise.all(options.authorIds.map((id) => memberFor(db, id)))
  const fallback = (await listCategories(db, { includeArchived: false, visibleTo: 'all' }))[0]
  if (!fallback) return 0
  let turn = 0
  const nextAuthor = () => authors[turn++ % authors.length]!
  let created = 0
  for (const demo of demoThreads) {
    const category = (await findCategoryBySlug(db, demo.category, 'all')) ?? fallback
    const author = nextAuthor()
    const { threadId } = await startThread(db, clock, author, {
      title: withMarker(demo.title, options.marker),
      category: String(category.archived ? fallback.id : category.id),
      stage: demo.stage,
      tags: demo.tags,
      confidential: demo.confidential === true ? 'on' : '',
      body: withMarker(demo.body, options.marker),
      formKey: '',
    })
    created++
    const reply = async (parentId: number | undefined, item: DemoReply) => {
      const result = await replyToPost(db, clock, nextAuthor(), threadId, {
        parent: parentId ? String(parentId) : '',
        body: withMarker(item.body, options.marker),
        formKey: '',
      })
      for (const child of item.replies ?? []) await reply(result.postId, child)
    }
    for (const item of demo.replies) await reply(undefined, item)
    if (demo.laterStage) await changeStage(db, clock, author, threadId, demo.laterStage)
  }
  return created
}
