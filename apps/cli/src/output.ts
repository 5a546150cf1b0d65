import { EXIT } from './exit-codes';

/** Writes a line to stdout, waiting when the pipe is full so large replays don't buffer in memory. */
export function writeLine(line: string): Promise<void> | void {
  if (process.stdout.write(line + '\n')) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

/** A plain aligned table: columns padded to their widest cell, two spaces apart. */
export function renderTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** A verify break as every command prints it (stdout), with exit 1 set; `what` says what was not done. */
export function reportBreak(
  b: { tenantId: string; position: number; reason: string },
  notDone?: string,
): void {
  process.stdout.write(`broken: tenant ${b.tenantId} position ${b.position}: ${b.reason}\n`);
  if (notDone !== undefined) process.stderr.write(`${notDone}: the ledger does not verify\n`);
  process.exitCode = EXIT.verificationFailed;
}
