// One real server process for the whole browser suite: `node src/server.ts` on a free port,
// its own Postgres (embedded in a temp folder, or a fresh database on TEST_DATABASE_URL's
// server), SMTP into a sink started here, the first admin from the CLI and the demo data.
// Tests read the mail the sink received from a folder (one JSON file per message).
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { simpleParser } from 'mailparser'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import type { TestProject } from 'vitest/node'
import { databaseUrlFor } from '../../src/db/database.ts'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/lib/free-port.ts'
import { adminAccount, type SinkMail } from './helpers/env.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBaseUrl: string
    e2eMailDir: string
    e2eStateDir: string
    /** When the demo threads were written (ms since epoch): digests leave out the last minute. */
    e2eDemoLoadedAt: number
    /** The server's database, for tests that need more data than a journey writes (paging). */
    e2eDatabaseUrl: string
  }
}

const projectRoot = path.resolve(import.meta.dirname, '../..')

/** Every message the server sends lands here, parsed, as <sequence>.json in mailDir. */
async function startSink(mailDir: string): Promise<{ url: string; close(): Promise<void> }> {
  let sequence = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            const headers: Record<string, string> = {}
            for (const line of parsed.headerLines)
              headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim()
            const mail: SinkMail = {
              sequence: ++sequence,
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers,
            }
            const file = path.join(mailDir, `${String(mail.sequence).padStart(5, '0')}.json`)
            writeFileSync(`${file}.tmp`, JSON.stringify(mail))
            // rename is atomic: a test never reads half a message
            return import('node:fs/promises').then((fs) => fs.rename(`${file}.tmp`, file))
          })
          .then(() => callback())
          .catch((error: Error) => callback(error))
      })
    },
  })
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Runs `node src/cli.ts …` (Node 24: process.execPath under npm) and fails loudly. */
function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli.ts', ...args], { cwd: projectRoot, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`cli ${args[0]} exited with ${code}:\n${output}`)),
    )
    child.stdin.end(stdin)
  })
}

async function waitUntilReady(baseUrl: string, server: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${output()}`)
    try {
      const response = await fetch(`${baseUrl}/readyz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`server not ready after 90 s:\n${output()}`)
}

export default async function setup(project: TestProject) {
  const started = Date.now()
  // Parent world-readable: as root, embedded Postgres runs as "postgres" and must reach it.
  const base = path.join(os.tmpdir(), 'vertrauensraum-e2e')
  mkdirSync(base, { recursive: true, mode: 0o755 })
  const folder = mkdtempSync(path.join(base, 'run-'))
  chmodSync(folder, 0o755)
  const mailDir = path.join(folder, 'mail')
  const stateDir = path.join(folder, 'state')
  const dataDir = path.join(folder, 'data')
  for (const dir of [mailDir, stateDir, dataDir]) mkdirSync(dir, { recursive: true })

  const cleanups: (() => Promise<void>)[] = []
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup()
      } catch (error) {
        console.error('e2e teardown:', error)
      }
    }
    rmSync(folder, { recursive: true, force: true })
  }

  try {
    // ---- Postgres: a fresh database of our own -------------------------------------------
    let serverUrl = process.env.TEST_DATABASE_URL
    if (!serverUrl) {
      const pgFolder = path.join(folder, 'pg')
      const embedded = await startEmbeddedPostgres({
        directory: pgFolder,
        port: await freePort(),
        ephemeral: true,
      })
      serverUrl = embedded.url
      cleanups.push(() => embedded.stop())
    }
    const database = `vr_e2e_${process.pid}`
    const admin = new pg.Client({ connectionString: serverUrl })
    await admin.connect()
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.query(`create database ${database}`)
    await admin.end()
    const databaseUrl = databaseUrlFor(serverUrl, database)
    if (process.env.TEST_DATABASE_URL) {
      cleanups.push(async () => {
        const client = new pg.Client({ connectionString: serverUrl })
        await client.connect()
        await client.query(`drop database if exists ${database} with (force)`)
        await client.end()
      })
    }

    // ---- SMTP sink -------------------------------------------------------------------------
    const sink = await startSink(mailDir)
    cleanups.push(() => sink.close())

    // ---- The server's environment; the CLI uses the same ---------------------------------
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}`
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: baseUrl,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: sink.url,
      RUN_WORKER: 'true',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    }

    // ---- First admin from the CLI, then the demo data (migrates on the way) -------------
    await cli(
      [
        'create-admin',
        '--email',
        adminAccount.email,
        '--name',
        adminAccount.name,
        '--organisation',
        '05315',
        '--job-title',
        'Leitung Digitalisierung',
      ],
      env,
      `${adminAccount.password}\n`,
    )
    await cli(['demo-data'], env)
    const demoLoadedAt = Date.now()

    // ---- The server -----------------------------------------------------------------------
    let output = ''
    const server = spawn(process.execPath, ['src/server.ts'], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.length > 200_000) output = output.slice(-100_000)
      if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk)
    }
    server.stdout.on('data', keep)
    server.stderr.on('data', keep)
    const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()))
    cleanups.push(async () => {
      if (server.exitCode === null) {
        server.kill('SIGTERM')
        const timer = setTimeout(() => server.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(timer)
      }
    })
    await waitUntilReady(baseUrl, server, () => output)

    project.provide('e2eBaseUrl', baseUrl)
    project.provide('e2eMailDir', mailDir)
    project.provide('e2eStateDir', stateDir)
    project.provide('e2eDemoLoadedAt', demoLoadedAt)
    project.provide('e2eDatabaseUrl', databaseUrl)
    console.log(`e2e: server on ${baseUrl}, ready after ${((Date.now() - started) / 1000).toFixed(1)} s`)
  } catch (error) {
    await teardown()
    throw error
  }

  return teardown
}
