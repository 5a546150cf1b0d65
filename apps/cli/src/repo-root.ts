import fs from 'node:fs';
import path from 'node:path';

/** The checkout's root (where deploy/ lives), from source (ts-jest/swc) or from dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'retention-ledger')
      return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the retention-ledger checkout above ${__dirname}`);
    dir = up;
  }
}
