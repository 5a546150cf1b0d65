import fs from 'node:fs';
import path from 'node:path';

/*
 * The top self-time of a V8 .cpuprofile (from `node --cpu-prof`), by function and by file:
 *   node dist/bench/cpu-profile-summary.js <file.cpuprofile | dir> [top=25]
 * Self time is the time sampled in the function itself, not in what it calls.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const d = url.indexOf('/dist/');
  return d >= 0 ? url.slice(d + 1) : url.replace(/^file:\/\//, '');
}

export function summarise(profile: Profile, top: number): string {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    if (us === 0) continue;
    const f = n.callFrame;
    const where = shortUrl(f.url) || '(native)';
    const key = `${f.functionName || '(anonymous)'}  ${where}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const pkg = where
      .split('/')
      .slice(0, where.startsWith('@') ? 2 : 1)
      .join('/');
    file.set(pkg, (file.get(pkg) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      )
      .join('\n');
  return `total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${rows(fn)}\n\nself time by package / top folder:\n${rows(file)}\n`;
}

function main(): void {
  const [target, topArg] = process.argv.slice(2);
  if (!target) throw new Error('usage: cpu-profile-summary <file.cpuprofile | dir> [top]');
  const files = fs.statSync(target).isDirectory()
    ? fs
        .readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(target, f))
    : [target];
  for (const f of files) {
    process.stdout.write(
      `== ${f}\n${summarise(JSON.parse(fs.readFileSync(f, 'utf8')), Number(topArg || 25))}\n`,
    );
  }
}

if (require.main === module) main();
