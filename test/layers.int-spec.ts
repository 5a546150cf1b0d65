import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The import layers are enforced by lint (eslint.config.mjs, tools/eslint/layers.mjs):
 * this runs the repository's own ESLint configuration on deliberate violations and
 * checks each is an error, and that the legal imports next to them are not.
 *
 * ESLint loads its flat config (an ES module) with a dynamic import, which jest's
 * CommonJS runtime cannot do, so the linting runs in a child Node process.
 */
const ROOT = path.resolve(__dirname, '..');

const SCRIPT = `
import { ESLint } from 'eslint';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const { filePath, code } of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(result.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
});
`;

interface Fixture {
  filePath: string;
  code: string;
}

/** The layer errors ESLint reports for each fixture. */
function layerErrors(fixtures: readonly Fixture[]): string[][] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    input: JSON.stringify(fixtures),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[][];
}

const violations: Array<[string, Fixture, RegExp]> = [
  [
    'a lib imports an app (relative path)',
    {
      filePath: 'libs/ledger/src/x.ts',
      code: "export { startRuntime } from '../../../apps/cli/src/runtime';\n",
    },
    /a library \(libs\/ledger\) must not import an app \(apps\/cli\)/,
  ],
  [
    'a lib requires an app',
    {
      filePath: 'libs/kafka/src/x.ts',
      code: "export const main: unknown = require('../../../apps/cli/src/main');\n",
    },
    /a library \(libs\/kafka\) must not import an app/,
  ],
  [
    'an app imports another app',
    {
      filePath: 'apps/regional-store/src/x.ts',
      code: "import { startRuntime } from '../../cli/src/runtime';\nexport const x = startRuntime;\n",
    },
    /no app imports another app \(apps\/regional-store → apps\/cli\)/,
  ],
  [
    'contracts imports the ledger',
    { filePath: 'libs/contracts/src/x.ts', code: "export { openLedger } from '@app/ledger';\n" },
    /libs\/contracts imports no other lib \(libs\/ledger\)/,
  ],
  [
    'the domain imports the ledger (type-only counts too)',
    { filePath: 'libs/retention/src/x.ts', code: "export type { LedgerStore } from '@app/ledger';\n" },
    /libs\/retention \(the domain\) imports only libs\/contracts, not libs\/ledger/,
  ],
  [
    'the domain imports the read model',
    {
      filePath: 'libs/retention/src/policy/x.ts',
      code: "import { openReadModel } from '@app/read-model';\nexport const x = openReadModel;\n",
    },
    /libs\/retention \(the domain\) imports only libs\/contracts, not libs\/read-model/,
  ],
  [
    'a lib reaches into another lib by relative path',
    {
      filePath: 'libs/pipeline/src/x.ts',
      code: "export { openLedger } from '../../ledger/src/open-ledger';\n",
    },
    /import libs\/ledger by its alias @app\/ledger, not by a relative path/,
  ],
  [
    'a test reaches into a lib by relative path',
    {
      filePath: 'test/x.int-spec.ts',
      code: "export { auditStory } from '../libs/reports/src/testing/audit-story';\n",
    },
    /import libs\/reports by its alias @app\/reports/,
  ],
  [
    'a test imports app internals',
    {
      filePath: 'test/x.int-spec.ts',
      code: "export { rebuildCommand } from '../apps/cli/src/commands/rebuild.command';\n",
    },
    /test\/ must not import app internals \(apps\/cli\/src\/commands\/rebuild.command\)/,
  ],
  [
    'a bench imports app internals',
    { filePath: 'bench/x.bench.ts', code: "export const main: unknown = import('../apps/cli/src/main');\n" },
    /bench\/ must not import app internals/,
  ],
];

const legal: Array<[string, Fixture]> = [
  [
    'the ledger imports contracts',
    {
      filePath: 'libs/ledger/src/x.ts',
      code: "export { canonicalJson } from '@app/contracts/canonical-json';\n",
    },
  ],
  [
    'the domain imports contracts and itself',
    {
      filePath: 'libs/retention/src/policy/x.ts',
      code: "export type { NewEntry } from '@app/contracts/entry-types';\nexport { parseDuration } from './duration';\n",
    },
  ],
  [
    'a lib imports another lib by alias',
    { filePath: 'libs/pipeline/src/x.ts', code: "export { openLedger } from '@app/ledger';\n" },
  ],
  [
    'an app imports libs and its own files',
    {
      filePath: 'apps/cli/src/x.ts',
      code: "export { createIngestor } from '@app/pipeline';\nexport { startRuntime } from './runtime';\n",
    },
  ],
  [
    'a test imports libs and the CLI runtime (an allowed entry point)',
    {
      filePath: 'test/x.int-spec.ts',
      code: "export { openLedger } from '@app/ledger';\nexport { startRuntime } from '../apps/cli/src/runtime';\n",
    },
  ],
];

describe('lint enforces the import layers (apps → libs → contracts)', () => {
  let results: string[][] = [];
  beforeAll(() => {
    results = layerErrors([...violations.map(([, f]) => f), ...legal.map(([, f]) => f)]);
  }, 120_000);

  it.each(violations.map(([name, , message], i) => [name, message, i] as const))(
    'refuses: %s',
    (_name, message, i) => {
      expect(results[i]).toEqual([expect.stringMatching(message)]);
    },
  );

  it.each(legal.map(([name], i) => [name, violations.length + i] as const))('allows: %s', (_name, i) => {
    expect(results[i]).toEqual([]);
  });
});
