/** Writes a line to stdout, waiting when the pipe is full so large replays don't buffer in memory. */
export function writeLine(line: string): Promise<void> | void {
  if (process.stdout.write(line + '\n')) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}
