import fs from 'node:fs';

/** For each needle, the files (of those that exist) whose raw bytes contain it. */
export function filesContaining(files: readonly string[], needles: readonly Buffer[]): Map<Buffer, string[]> {
  const contents = files.filter((f) => fs.existsSync(f)).map((f) => [f, fs.readFileSync(f)] as const);
  const found = new Map<Buffer, string[]>();
  for (const needle of needles) {
    const hits = contents.filter(([, bytes]) => bytes.indexOf(needle) !== -1).map(([f]) => f);
    if (hits.length > 0) found.set(needle, hits);
  }
  return found;
}

/** Distinctive subject ids: long enough that a chance match in unrelated bytes is impossible. */
export function subjectIds(count: number, tag: string): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${tag}-${i.toString().padStart(5, '0')}-${(i * 2654435761) % 1e9}@example.org`,
  );
}
