import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from './canonical-json';

/**
 * The RFC 8785 reference vectors (cyberphone/json-canonicalization testdata), kept outside
 * the repository at ../shared/testdata/rfc8785 from the repository root (also looked for
 * one level further up, for a git worktree). Bundles hash entries exactly as stored, but
 * those bytes were produced by this encoder: it must be JCS.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const DIR = [path.join(ROOT, '..', 'shared'), path.join(ROOT, '..', '..', 'shared')]
  .map((d) => path.join(d, 'testdata', 'rfc8785'))
  .find((d) => fs.existsSync(d));

const names = DIR
  ? fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith('.input.json'))
      .map((f) => f.replace(/\.input\.json$/, ''))
  : [];

(DIR ? describe : describe.skip)('canonicalJson against the RFC 8785 test vectors', () => {
  it.each(names)('%s', (name) => {
    const input = fs.readFileSync(path.join(DIR!, `${name}.input.json`), 'utf8');
    const output = fs.readFileSync(path.join(DIR!, `${name}.output.json`), 'utf8');
    expect(canonicalJson(JSON.parse(input))).toBe(output);
  });
});

if (!DIR) {
  it.skip('RFC 8785 vectors: skipped because ../shared/testdata/rfc8785 is not beside the repository', () =>
    undefined);
}
