// All messages, merged. German is the source of truth; each part's English catalogue must
// have exactly the same keys (the type checker says so).
import * as accounts from '../features/accounts/accounts.messages.ts'
import * as attachments from '../features/attachments/attachments.messages.ts'
import * as digests from '../features/digests/digests.messages.ts'
import * as discussions from '../features/discussions/discussions.messages.ts'
import * as drafts from '../features/drafts/drafts.messages.ts'
import * as groups from '../features/groups/groups.messages.ts'
import * as guests from '../features/guests/guests.messages.ts'
import * as mail from '../features/mail/mail.messages.ts'
import * as messages from '../features/messages/messages.messages.ts'
import * as moderation from '../features/moderation/moderation.messages.ts'
import * as threadTools from '../features/moderation/thread-tools.messages.ts'
import * as network from '../features/network/network.messages.ts'
import * as organisations from '../features/organisations/organisations.messages.ts'
import * as pages from '../features/pages/pages.messages.ts'
import * as profiles from '../features/profiles/profiles.messages.ts'
import * as search from '../features/search/search.messages.ts'
import { de as commonDe } from './common.de.ts'
import { en as commonEn } from './common.en.ts'

export const de = {
  ...commonDe,
  ...accounts.de,
  ...attachments.de,
  ...organisations.de,
  ...moderation.de,
  ...threadTools.de,
  ...pages.de,
  ...drafts.de,
  ...discussions.de,
  ...mail.de,
  ...digests.de,
  ...search.de,
  ...profiles.de,
  ...network.de,
  ...groups.de,
  ...guests.de,
  ...messages.de,
} as const

export type MessageKey = keyof typeof de

export const en: Record<MessageKey, string> = {
  ...commonEn,
  ...accounts.en,
  ...attachments.en,
  ...organisations.en,
  ...moderation.en,
  ...threadTools.en,
  ...pages.en,
  ...drafts.en,
  ...discussions.en,
  ...mail.en,
  ...digests.en,
  ...search.en,
  ...profiles.en,
  ...network.en,
  ...groups.en,
  ...guests.en,
  ...messages.en,
}
