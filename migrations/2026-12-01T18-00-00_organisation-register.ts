import { type Kysely, sql } from 'kysely'

// The organisation directory becomes the whole register: every level of the Destatis
// Gemeindeverzeichnis (Land, Regierungsbezirk, Kreis, Gemeindeverband, Gemeinde) with its keys,
// the kind as Destatis names it, population, postcode and coordinates, the chain of parents,
// and historical entries (merged or dissolved municipalities are never deleted: members stay).
// Beside the register, the "Konzern Kommune" (IT-Dienstleister, Stadtwerke, Zweckverbände,
// Spitzen- and Landesverbände) names the municipalities it belongs to or serves.
// The data itself comes in the next migration.

const kinds = [
  'land',
  'regierungsbezirk',
  'landkreis',
  'kreisfreie_stadt',
  'gemeindeverband',
  'gemeinde',
  'it_dienstleister',
  'kommunales_unternehmen',
  'zweckverband',
  'spitzenverband',
  'landesverband',
  'kommunaler_verband',
]
const oldKinds = [
  'land',
  'landkreis',
  'kreisfreie_stadt',
  'gemeinde',
  'kommunales_unternehmen',
  'it_dienstleister',
  'kommunaler_verband',
]
const kindCheck = (list: string[]) => sql.raw(`kind in (${list.map((kind) => `'${kind}'`).join(', ')})`)

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisations drop constraint organisations_kind_check`.execute(db)
  await sql`alter table organisations add constraint organisations_kind_check check (${kindCheck(kinds)})`.execute(
    db,
  )
  await db.schema
    .alterTable('organisations')
    // The name as Destatis writes it ("Köln, Stadt"); `name` is the one people read ("Stadt Köln").
    .addColumn('official_name', 'text')
    // The kind as Destatis names it: Stadt, Große Kreisstadt, Markt, Gemeinde, Amt, Landkreis …
    .addColumn('official_kind', 'text')
    // Amtlicher Gemeindeschlüssel of the level: Land 2, Regierungsbezirk 3, Kreis 5, Gemeinde 8
    // digits (a kreisfreie Stadt has its Gemeinde's 8); a Gemeindeverband has none.
    .addColumn('ags', 'text', (col) => col.check(sql`ags ~ '^[0-9]{2,8}$'`))
    // Amtlicher Regionalschlüssel: Land 2, Regierungsbezirk 3, Kreis 5, Verband 9, Gemeinde 12.
    .addColumn('ars', 'text', (col) => col.check(sql`ars ~ '^[0-9]{2,12}$'`))
    .addColumn('parent_id', 'integer', (col) => col.references('organisations.id'))
    .addColumn('population', 'integer', (col) => col.check(sql`population >= 0`))
    .addColumn('postcode', 'text', (col) => col.check(sql`postcode ~ '^[0-9]{5}$'`))
    .addColumn('latitude', 'double precision', (col) => col.check(sql`latitude between -90 and 90`))
    .addColumn('longitude', 'double precision', (col) => col.check(sql`longitude between -180 and 180`))
    // The register extract the row was last written from ('2020-12-31'); null: kept by moderators.
    .addColumn('register_extract', 'text')
    // Merged or dissolved: no longer offered to applicants, kept for its members and history.
    .addColumn('historical_at', 'timestamptz')
    .addColumn('merged_into_id', 'integer', (col) => col.references('organisations.id'))
    // Folded words of the names and kind for the search; kept by a trigger (search migration).
    .addColumn('search_name', 'text', (col) => col.notNull().defaultTo(''))
    .execute()
  await sql`create unique index organisations_ags on organisations (ags) where ags is not null`.execute(db)
  await sql`create unique index organisations_ars on organisations (ars) where ars is not null`.execute(db)
  await sql`create index organisations_by_parent on organisations (parent_id)`.execute(db)
  await sql`create index organisations_historical on organisations (id) where historical_at is not null`.execute(
    db,
  )

  await db.schema
    .createTable('organisation_municipalities')
    .addColumn('organisation_id', 'integer', (col) =>
      col.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('municipality_id', 'integer', (col) =>
      col.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('organisation_municipalities_pkey', ['organisation_id', 'municipality_id'])
    .addCheckConstraint('organisation_municipalities_not_itself', sql`organisation_id <> municipality_id`)
    .execute()
  await db.schema
    .createIndex('organisation_municipalities_by_municipality')
    .on('organisation_municipalities')
    .column('municipality_id')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organisation_municipalities').ifExists().execute()
  await sql`drop index if exists organisations_ags, organisations_ars, organisations_by_parent, organisations_historical`.execute(
    db,
  )
  await db.schema
    .alterTable('organisations')
    .dropColumn('official_name')
    .dropColumn('official_kind')
    .dropColumn('ags')
    .dropColumn('ars')
    .dropColumn('parent_id')
    .dropColumn('population')
    .dropColumn('postcode')
    .dropColumn('latitude')
    .dropColumn('longitude')
    .dropColumn('register_extract')
    .dropColumn('historical_at')
    .dropColumn('merged_into_id')
    .dropColumn('search_name')
    .execute()
  await sql`alter table organisations drop constraint organisations_kind_check`.execute(db)
  await sql`alter table organisations add constraint organisations_kind_check check (${kindCheck(oldKinds)})`.execute(
    db,
  )
}
