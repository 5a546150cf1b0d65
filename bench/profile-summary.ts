import fs from 'node:fs';
import path from 'node:path';

/**
 * Top self-time functions of a V8 CPU profile (`node --cpu-prof`), for the bench's "where
 * the time goes" notes:  node dist/bench/profile-summary.js <file.cpuprofile> [top=25] [name…]
 * Names after the count: also their inclusive time (themselves and what they called).
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

function main(): void {
  const [file, topArg, ...inclusive] = process.argv.slice(2);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const nameOf = new Map<number, string>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${path.basename(url)}:${lineNumber + 1}` : '';
    nameOf.set(n.id, `${functionName || '(anonymous)'} ${where}`.trim());
  }
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const name = nameOf.get(id) ?? '?';
    self.set(name, (self.get(name) ?? 0) + us);
  });
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const within = new Map<string, number>(inclusive.map((name) => [name, 0]));
  profile.samples.forEach((id, i) => {
    const hit = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fn = (nameOf.get(at) ?? '').split(' ')[0];
      if (within.has(fn)) hit.add(fn);
    }
    for (const fn of hit) within.set(fn, within.get(fn)! + (profile.timeDeltas[i] ?? 0));
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, topArg === undefined ? 25 : Number(topArg));
  process.stdout.write(`total ${(total / 1e6).toFixed(2)} s\n`);
  for (const [name, us] of top)
    process.stdout.write(
      `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}\n`,
    );
  for (const [name, us] of within)
    process.stdout.write(
      `inclusive ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0)} ms  ${name}\n`,
    );
}

main();
