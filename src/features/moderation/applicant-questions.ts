// A moderator's Rückfrage to an applicant: stored with the question, shown on the applicant's
// status page and answered there; the answer appears on the applicant's card in the review
// queue. Asking and answering are audited; the applicant can only answer their own questions,
// and only while they wait for review.
import { sql } from 'kysely'
import { recordAudit } from '../../core/audit/audit.ts'
import type { Db } from '../../db/database.ts'
import { ConflictError, NotFoundError } from '../../lib/errors.ts'

export interface ApplicantQuestion {
  id: number
  question: string
  answer: string | null
  askedAt: Date
  answeredAt: Date | null
}

export async function insertQuestion(
  db: Db,
  values: { memberId: number; askedBy: number; question: string },
): Promise<void> {
  await db
    .insertInto('applicant_questions')
    .values({ member_id: values.memberId, asked_by: values.askedBy, question: values.question })
    .execute()
}

/** The applicant's questions, oldest first. */
export async function questionsOf(db: Db, memberId: number): Promise<ApplicantQuestion[]> {
  return db
    .selectFrom('applicant_questions')
    .select(['id', 'question', 'answer', 'asked_at as askedAt', 'answered_at as answeredAt'])
    .where('member_id', '=', memberId)
    .orderBy('asked_at')
    .orderBy('id')
    .execute()
}

/** The questions of many applicants at once (the review queue), by applicant. */
export async function questionsByApplicant(
  db: Db,
  memberIds: readonly number[],
): Promise<Map<number, ApplicantQuestion[]>> {
  const byMember = new Map<number, ApplicantQuestion[]>()
  if (memberIds.length === 0) return byMember
  const rows = await db
    .selectFrom('applicant_questions')
    .select(['id', 'member_id', 'question', 'answer', 'asked_at as askedAt', 'answered_at as answeredAt'])
    .where('member_id', 'in', [...memberIds])
    .orderBy('asked_at')
    .orderBy('id')
    .execute()
  for (const { member_id, ...question } of rows) {
    const list = byMember.get(member_id) ?? []
    list.push(question)
    byMember.set(member_id, list)
  }
  return byMember
}

/** The applicant answers one of their open questions (once; while waiting for review). */
export async function answerQuestion(db: Db, memberId: number, questionId: number, answer: string) {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ answered: boolean; status: string }>`
      select q.answer is not null as answered, m.status
      from applicant_questions q join members m on m.id = q.member_id
      where q.id = ${questionId} and q.member_id = ${memberId}
      for update of q`.execute(trx)
    const row = rows[0]
    if (!row) throw new NotFoundError()
    if (row.answered || row.status !== 'pending_review') throw new ConflictError('questions.alreadyAnswered')
    await trx
      .updateTable('applicant_questions')
      .set({ answer, answered_at: sql`now()` })
      .where('id', '=', questionId)
      .execute()
    await recordAudit(trx, {
      action: 'member.question_answered',
      actorId: memberId,
      subjectId: memberId,
      details: { answer },
    })
  })
}
