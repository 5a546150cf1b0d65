import fs from 'node:fs';
import path from 'node:path';

/*
 * Where the time goes in V8 CPU profiles (`node --cpu-prof`), for the bench's notes:
 *   node dist/bench/profile-summary.js <file.cpuprofile | dir> [top=25] [name…]
 * Self time (sampled in the function itself) by function and by package / top folder; the
 * names after the count also get their inclusive time (themselves and what they called).
 */
interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
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

export function summarise(profile: Profile, top: number, inclusive: readonly string[] = []): string {
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
  const line = (k: string, us: number) =>
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => line(k, us))
      .join('\n');
  const within = inclusiveTime(profile, byNode, inclusive);
  const named = [...within].map(([k, us]) => line(k, us)).join('\n');
  return (
    `total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:\n${rows(fn)}\n\n` +
    `self time by package / top folder:\n${rows(file)}\n` +
    (named ? `\ninclusive time:\n${named}\n` : '')
  );
}

/** Per named function: the sampled time with it anywhere on the stack (once per sample). */
function inclusiveTime(profile: Profile, byNode: Map<number, number>, names: readonly string[]) {
  const within = new Map<string, number>(names.map((name) => [name, 0]));
  if (within.size === 0) return within;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  for (const [id, us] of byNode) {
    const hit = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf.get(at) ?? '';
      if (within.has(name)) hit.add(name);
    }
    for (const name of hit) within.set(name, (within.get(name) ?? 0) + us);
  }
  return within;
}

function main(): void {
  const [target, topArg, ...inclusive] = process.argv.slice(2);
  if (!target) throw new Error('usage: profile-summary <file.cpuprofile | dir> [top] [name…]');
  const files = fs.statSync(target).isDirectory()
    ? fs
        .readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(target, f))
    : [target];
  for (const f of files) {
    const profile = JSON.parse(fs.readFileSync(f, 'utf8')) as Profile;
    process.stdout.write(`== ${f}\n${summarise(profile, Number(topArg || 25), inclusive)}\n`);
  }
}

if (require.main === module) main();
