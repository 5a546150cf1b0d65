import type { PoolClient } from 'pg';

/**
 * `COPY … FROM STDIN` (text format) on a pg client, without a streams dependency: pg runs
 * any object with `submit` as a query and hands it the protocol messages (what
 * pg-copy-streams builds on). The rows are sent as soon as the server asks for them.
 *
 * Why COPY for the ledger's batch insert: measured on this host, 3 400 ledger rows cost
 * ~15–17 µs each through `INSERT … SELECT unnest($1::text[], …)` (pg escapes 14 array
 * literals, the server parses them back) and ~9–11 µs through COPY text, building the text
 * included (docs/scale-out.md, "Ingest").
 */
class CopyIn {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: unknown) => void;
  private failed = false;

  constructor(
    readonly text: string,
    private readonly chunks: readonly Buffer[],
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  /** A server error (then ReadyForQuery follows) or a lost connection (nothing follows). */
  handleError(err: unknown): void {
    this.failed = true;
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve();
  }

  // The other messages a simple query can meet; COPY FROM answers none of them.
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Runs `COPY <target> FROM STDIN` with `rows` already in COPY text format (each ending in `\n`). */
export async function copyFrom(client: PoolClient, target: string, rows: readonly string[]): Promise<void> {
  const chunks: Buffer[] = [];
  // CopyData messages of a few hundred kB: no single huge string or buffer for a large batch.
  for (let i = 0; i < rows.length; i += COPY_CHUNK_ROWS)
    chunks.push(Buffer.from(rows.slice(i, i + COPY_CHUNK_ROWS).join(''), 'utf8'));
  const copy = new CopyIn(`COPY ${target} FROM STDIN`, chunks);
  // pg's typings know only its own Submittable shape; any object with `submit` is run as a query.
  (client as unknown as { query(q: CopyIn): unknown }).query(copy);
  await copy.done;
}

const COPY_CHUNK_ROWS = 500;

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * One value in COPY text format: `\N` for null; backslash, newline, carriage return and tab
 * escaped (every other character, control characters included, stands for itself). NUL
 * cannot occur: the append plan refuses it, as TEXT cannot hold it.
 */
export function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]) : value;
}

/** A row in COPY text format: tab-separated values and a newline. */
export function copyRow(values: ReadonlyArray<string | number | null>): string {
  let line = copyValue(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyValue(values[i]);
  return line + '\n';
}
