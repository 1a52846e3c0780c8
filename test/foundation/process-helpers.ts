// Helpers for tests that run the real server process or a Postgres of their own.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * A not-yet-existing folder for throw-away data. Its parent is world-readable: as root,
 * embedded Postgres runs as the "postgres" user and must be able to reach its data folder.
 */
export function scratchFolder(name: string): string {
  const base = path.join(os.tmpdir(), 'vertrauensraum-test')
  mkdirSync(base, { recursive: true, mode: 0o755 })
  return path.join(base, `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
}

/** Processes whose command line mentions `text` (e.g. a Postgres data folder). */
export function processesMentioning(text: string): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (commandLine.includes(text)) found.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

export interface ServerProcess {
  child: ChildProcess
  output(): string
  /** Resolves with the base URL once the server prints where it listens. */
  listening: Promise<string>
  /** Resolves when the process has ended by itself or by a signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends the signal and resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs `node src/server.ts` (npm start's entry) with Node 24 and only the given environment. */
export function startServer(env: Record<string, string>, nodeArgs: string[] = []): ServerProcess {
  const child = spawn(process.execPath, [...nodeArgs, 'src/server.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const match = output.match(/läuft auf (http:\/\/localhost:\d+)/)
      if (match) resolve(match[1]!)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    exited.then(({ code, signal }) =>
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`)),
    )
  })
  listening.catch(() => {})
  return {
    child,
    output: () => output,
    listening,
    exit: exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `npm run cli -- …`'s entry (node src/cli.ts) with only the given environment. */
export function runCli(env: Record<string, string>, args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli.ts', ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}
