/**
 * The demo's live output: story lines as they happen, and a status line that rewrites
 * itself on a terminal; in a pipe (CI, tests) the status is printed only when it changes.
 */
export class DemoDisplay {
  private lastStatus = '';
  private statusShown = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  say(line: string): void {
    this.clearStatus();
    this.out.write(line + '\n');
  }

  /** Shows the status now, then keeps it fresh until `ms` passed. */
  async live(ms: number, status: () => Promise<string>): Promise<void> {
    const until = Date.now() + ms;
    do {
      this.status(await status());
      const left = until - Date.now();
      if (left > 0) await new Promise((r) => setTimeout(r, Math.min(250, left)));
    } while (Date.now() < until);
  }

  private status(text: string): void {
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K  ${text}`);
      this.statusShown = true;
    } else {
      this.out.write(`  … ${text}\n`);
    }
  }

  private clearStatus(): void {
    if (this.statusShown && this.out.isTTY) this.out.write('\r\x1b[2K');
    this.statusShown = false;
    this.lastStatus = '';
  }
}
