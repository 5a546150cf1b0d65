import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../../..');

// The `canonicalize` package is ESM-only and jest runs CommonJS, so the
// reference runs in a child Node process. Values travel as JSON, which is
// lossless for JSON values (the only kind either encoder accepts).
const SCRIPT = `
import canonicalize from 'canonicalize';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const values = JSON.parse(input);
  process.stdout.write(JSON.stringify(values.map((value) => canonicalize(value))));
});
`;

/** `canonicalize(value)` (RFC 8785 reference implementation) for each value. */
export function referenceCanonicalize(values: readonly unknown[]): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: REPO_ROOT,
    input: JSON.stringify(values),
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}
