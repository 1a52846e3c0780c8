// Display names are not unique, but nobody may pass as a moderator or admin: a name that reads
// the same as a staff member's (ignoring case, accents, look-alike compatibility forms, invisible
// characters, spacing, and Cyrillic or Greek letters that look Latin) is refused, except for that
// staff member. A name mixing scripts is also shown to the moderators (lib/scripts.ts).
import type { Db } from '../../db/database.ts'
import type { FieldErrors } from '../../lib/errors.ts'
import { asLatinLookAlike } from '../../lib/scripts.ts'

// Format characters (zero-width spaces, joiners, bidi controls …) and the Hangul fillers; the
// combining ones (variation selectors, grapheme joiner) go with the marks below.
const invisible = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/gu

/** "Ada  Ádmin", "ADA ADMIN", "Ada\u200BAdmin" and "Аda Admin" (Cyrillic А) all fold to "ada admin". */
export function foldName(name: string): string {
  return asLatinLookAlike(
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(invisible, '')
      .toLocaleLowerCase('de')
      .replace(/ß/g, 'ss')
      .replace(/\s+/gu, ' ')
      .trim(),
  )
}

/** A field error when `name` would pass for a staff member other than `memberId`. */
export async function staffNameProblem(
  db: Db,
  name: string,
  memberId?: number,
  field = 'name',
): Promise<FieldErrors> {
  const folded = foldName(name)
  if (folded === '') return {}
  const staff = await db
    .selectFrom('members')
    .select(['id', 'name'])
    .where('role', 'in', ['moderator', 'admin'])
    .execute()
  const taken = staff.some((person) => person.id !== memberId && foldName(person.name) === folded)
  return taken ? { [field]: { key: 'register.name.staff' } } : {}
}
