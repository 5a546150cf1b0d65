import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout's root (where package.json, deploy/ and dist/ live), found upwards from
 * `from` (default: this file), from the TypeScript sources (jest) or from dist/.
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'retention-ledger')
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the retention-ledger checkout above ${from}`);
  }
}
