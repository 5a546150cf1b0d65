import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, type AppConfig, type Logger } from '@app/config';

export interface VerifyOutcome {
  ok: boolean;
  at: Date;
}

/**
 * Runs `retention-ledger verify --json` over the whole ledger every VERIFY_INTERVAL, in a
 * child process: a full verify reads every entry, and on SQLite that would hold the event
 * loop ingest and the API share for as long as it takes. The result feeds the
 * retention_ledger_verify_ok gauge (alert: "verify failing"). A child that cannot run or
 * exits with neither 0 nor 1 is logged and not counted (the gauge keeps its last value;
 * the last-run timestamp going stale is its own alert).
 */
export function scheduleVerify(
  config: AppConfig,
  log: Logger,
  onResult: (outcome: VerifyOutcome) => void,
): { stop(): void } {
  const cli = path.join(repoRoot(), 'dist', 'apps', 'cli', 'src', 'main.js');
  let child: ReturnType<typeof spawn> | undefined;
  let stopped = false;
  const runOnce = () => {
    if (child || stopped) return;
    if (!fs.existsSync(cli)) {
      log.warn({ cli }, 'periodic verify: the compiled CLI is missing (npm run build); skipped');
      return;
    }
    const started = Date.now();
    child = spawn(process.execPath, [cli, 'verify', '--json'], {
      env: { ...process.env, LEDGER_URL: config.ledgerUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => log.warn({ err }, 'periodic verify could not start'));
    child.once('close', (code) => {
      child = undefined;
      if (stopped) return;
      if (code === 0 || code === 1) {
        onResult({ ok: code === 0, at: new Date() });
        const detail = code === 0 ? {} : { result: stdout.trim().slice(0, 2000) };
        log[code === 0 ? 'info' : 'error'](
          { ...detail, ms: Date.now() - started },
          code === 0 ? 'periodic verify: ok' : 'periodic verify: the ledger is BROKEN',
        );
      } else {
        log.warn({ code, stderr: stderr.trim().slice(-2000) }, 'periodic verify did not finish');
      }
    });
  };
  // The first run soon after start-up, not a whole interval later.
  const first = setTimeout(runOnce, Math.min(5000, config.verifyIntervalMs));
  const timer = setInterval(runOnce, config.verifyIntervalMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      child?.kill('SIGTERM');
    },
  };
}
