// Shared set-up of the messages tests: signed-in members and conversations through the real service.
import type { CurrentMember } from '../../src/core/members/current-member.ts'
import type { Db } from '../../src/db/database.ts'
import { sendMessage, startConversation } from '../../src/features/messages/messages.service.ts'
import type { Agent } from '../helpers/agent.ts'

export { asCurrent, htmx, signedInMember } from '../discussions/helpers.ts'

export async function conversation(db: Db, from: CurrentMember, to: number[], body = 'Hallo, kurze Frage.') {
  return startConversation(db, from, { to, body, formKey: '' })
}

export const write = (db: Db, from: CurrentMember, conversationId: number, body: string) =>
  sendMessage(db, from, conversationId, { body, formKey: '' })

/** Sends a reply through the conversation page's form, as a browser without JavaScript would. */
export function replyThroughPage(
  agent: Agent,
  conversationId: number,
  body: string,
  headers?: Record<string, string>,
) {
  return agent.submit(`/messages/${conversationId}`, `/messages/${conversationId}`, { body }, headers)
}

/** The navigation's unread count of a page ('' when there is none). */
export function navCount(html: string): string {
  return (
    html.match(
      /id="messages-link"[^>]*>[^<]*(?:<span class="count" aria-hidden="true">(\d+)<\/span>)?/,
    )?.[1] ?? ''
  )
}
