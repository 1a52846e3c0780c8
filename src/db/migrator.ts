import { promises as fs } from 'node:fs'
import path from 'node:path'
import { FileMigrationProvider, type Kysely, type MigrationResultSet, Migrator } from 'kysely'

export const migrationsFolder = path.resolve(import.meta.dirname, '../../migrations')

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: migrationsFolder }),
    // Features land in parallel with dated names; a database that ran a later one must still
    // accept an earlier-named migration that arrives after it.
    allowUnorderedMigrations: true,
  })
  const result = await migrator.migrateToLatest()
  if (result.error) throw result.error
  return result
}
