import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface LoadFigures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests wrk gave up on after `timeoutS` (its "Socket errors: … timeout"). */
  timeouts: number;
  /** Connect / read / write socket errors. */
  socketErrors: number;
  /** Answers other than 2xx/3xx. */
  non2xx: number;
  requests: number;
}

export interface LoadRun {
  /** Paths cycled through, one per request (e.g. 100 tenants' pages). */
  paths: string[];
  headers?: Record<string, string>;
  connections: number;
  threads: number;
  durationS: number;
  timeoutS: number;
}

/** wrk's own path, installing Debian's package where it is missing (deploy/tools/ensure-debian-tool.js). */
export function wrkBinary(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tools = require(path.join(__dirname, '..', '..', 'deploy', 'tools', 'ensure-debian-tool.js'));
  return tools.ensureTool('wrk', 'wrk') as string;
}

function luaScript(paths: string[], headers: Record<string, string>): string {
  const list = paths.map((p) => JSON.stringify(p)).join(',\n  ');
  const hdrs = Object.entries(headers)
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  // Each thread starts at a different offset so that the connections do not move in step.
  return `local paths = {\n  ${list}\n}
${hdrs}
local i = 0
function init(args) i = math.random(#paths) end
function request()
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end
`;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`wrk: cannot read the duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** The figures out of `wrk --latency` output. */
export function parseWrk(out: string): LoadFigures {
  const pct = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out);
    if (!m) throw new Error(`wrk: no ${p}% latency in:\n${out}`);
    return durationMs(m[1]);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const total = /^\s*(\d+) requests in/m.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (!rps || !total) throw new Error(`wrk: unexpected output:\n${out}`);
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    timeouts: sock ? Number(sock[4]) : 0,
    socketErrors: sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    requests: Number(total[1]),
  };
}

/** Runs wrk against `baseUrl` (e.g. http://127.0.0.1:3000) and reads its figures. */
export async function runWrk(
  bin: string,
  baseUrl: string,
  run: LoadRun,
  scratch: string,
): Promise<LoadFigures> {
  const script = path.join(scratch, `wrk-${process.pid}-${Date.now()}.lua`);
  fs.writeFileSync(script, luaScript(run.paths, run.headers ?? {}));
  try {
    const args = [
      `-t${run.threads}`,
      `-c${run.connections}`,
      `-d${run.durationS}s`,
      `--timeout`,
      `${run.timeoutS}s`,
      '--latency',
      '-s',
      script,
      baseUrl,
    ];
    const out = await new Promise<string>((resolve, reject) =>
      execFile(bin, args, { encoding: 'utf8' }, (err, stdout, stderr) =>
        err ? reject(new Error(`wrk failed: ${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    return parseWrk(out);
  } finally {
    fs.rmSync(script, { force: true });
  }
}
