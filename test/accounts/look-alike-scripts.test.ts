// Cross-script look-alikes: "Mаria" with a Cyrillic "а" folds to the staff's "Maria" (refused as
// a staff name), and a name mixing scripts is flagged to the moderators in the review queue.
import { describe, expect, it } from 'vitest'
import { foldName, staffNameProblem } from '../../src/features/accounts/look-alikes.ts'
import { mixedScripts } from '../../src/lib/scripts.ts'
import { createAgent } from '../helpers/agent.ts'
import { useTestApp } from '../helpers/app.ts'
import { createMember, signInAs } from '../helpers/factories.ts'

const setup = useTestApp()
const cyrillicA = '\u0430'
const flag = 'Buchstaben aus mehreren Schriften (Latein, Kyrillisch)'

describe('names in several scripts', () => {
  it('are told apart from names in one script, and fold to the Latin look', () => {
    expect(mixedScripts(`M${cyrillicA}ria Muster`)).toEqual(['Latein', 'Kyrillisch'])
    expect(mixedScripts('Ελένη Παπαδοπούλου')).toEqual([])
    expect(mixedScripts('Мария Иванова')).toEqual([])
    expect(mixedScripts('Zoë Ñúñez-Łukasz')).toEqual([])
    expect(foldName(`M${cyrillicA}ria \u0410dmin`)).toBe(foldName('Maria Admin'))
    // Greek letters fold by their look: ρ reads p, so "Μαρία" is "mapia", not "maria".
    expect(foldName('Μαρία Admin')).toBe('mapia admin')
  })

  it('cannot pass for a staff member', async () => {
    const admin = await createMember(setup.database.db, { role: 'admin', name: 'Maria Admin' })
    expect(await staffNameProblem(setup.database.db, `M${cyrillicA}ria Admin`)).toEqual({
      name: { key: 'register.name.staff' },
    })
    expect(await staffNameProblem(setup.database.db, `M${cyrillicA}ria Admin`, admin.id)).toEqual({})
  })

  it('are flagged in the review queue', async () => {
    const { db } = setup.database
    const mixed = await createMember(db, { status: 'pending_review', name: `M${cyrillicA}ria Muster` })
    const plain = await createMember(db, { status: 'pending_review', name: 'Maria Muster' })
    const moderator = await createMember(db, { role: 'moderator' })
    const agent = createAgent(setup.app)
    await signInAs(db, agent, moderator.id)
    const queue = (await agent.get('/moderation')).body
    const card = (id: number) => queue.slice(queue.indexOf(`id="applicant-${id}"`)).split('</article>')[0]!
    expect(card(mixed.id)).toContain(flag)
    expect(card(plain.id)).not.toContain(flag)
  })
})
