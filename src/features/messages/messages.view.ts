// The one producer of what the conversation page and its fragments show of each message.
import type { FastifyRequest } from 'fastify'
import type { CurrentMember } from '../../core/members/current-member.ts'
import type { Participant, ShownMessage } from './messages.service.ts'

export function messageView(
  request: FastifyRequest,
  viewer: CurrentMember,
  conversationId: number,
  message: ShownMessage,
) {
  const someone = request.t('messages.conversation.someone')
  const actor = message.authorName ?? someone
  const event =
    message.kind === 'joined'
      ? request.t('messages.conversation.joined', { actor, name: message.subjectName ?? someone })
      : message.kind === 'left'
        ? request.t('messages.conversation.left', { actor })
        : undefined
  const own = message.authorId === viewer.id
  return {
    id: message.id,
    event,
    own,
    authorName: own ? request.t('messages.conversation.you') : actor,
    bodyHtml: message.bodyHtml,
    hidden: message.hidden,
    createdAt: message.createdAt,
    createdIso: new Date(message.createdAt).toISOString(),
    unread: message.unread && message.kind === 'message',
    reportHref:
      !own && !event && !message.hidden ? `/messages/${conversationId}/m/${message.id}/report` : undefined,
  }
}

export function conversationTitle(
  request: FastifyRequest,
  viewer: CurrentMember,
  participants: Participant[],
) {
  const others = participants.filter((p) => p.id !== viewer.id).map((p) => p.name)
  return others.length === 0
    ? request.t('messages.conversation.titleAlone')
    : request.t('messages.conversation.title', { names: others.join(', ') })
}

export function conversationView(
  request: FastifyRequest,
  conversationId: number,
  page: { participants: Participant[]; messages: ShownMessage[]; earlier: boolean },
) {
  const viewer = request.member!
  const messages = page.messages.map((m) => messageView(request, viewer, conversationId, m))
  const oldest = page.messages[0]
  return {
    title: conversationTitle(request, viewer, page.participants),
    conversationId,
    participants: page.participants.map((p) => ({ ...p, self: p.id === viewer.id })),
    messages,
    firstUnread: messages.find((m) => m.unread)?.id,
    earlierHref: page.earlier && oldest ? `/messages/${conversationId}?before=${oldest.id}` : undefined,
  }
}
