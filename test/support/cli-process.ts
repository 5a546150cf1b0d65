import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

export function assertBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliRun> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`retention-ledger ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running CLI command (e.g. `run`), logging to a file for post-mortems. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  assertBuilt();
  const out = fs.openSync(logFile, 'a');
  return spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    cwd: ROOT,
    stdio: ['ignore', out, out],
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * The environment of a CLI process under test: its own SQLite files in `dir`, its own
 * topic prefix on the shared broker, and a policy file when `policy` (YAML text) is given.
 */
export function testEnv(
  dir: string,
  prefix: string,
  opts: { policy?: string; regions?: string[]; extra?: NodeJS.ProcessEnv } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    LEDGER_URL: `sqlite:${path.join(dir, 'ledger.db')}`,
    READ_MODEL_URL: `sqlite:${path.join(dir, 'read-model.db')}`,
    CHECKPOINT_KEY: path.join(dir, 'checkpoint-key.pem'),
    TOPIC_PREFIX: prefix,
    REGIONS: (opts.regions ?? ['eu', 'us']).join(','),
    ...opts.extra,
  };
  if (opts.policy !== undefined) {
    env.RETENTION_POLICY = path.join(dir, 'policy.yaml');
    fs.writeFileSync(env.RETENTION_POLICY, opts.policy);
  }
  return env;
}
