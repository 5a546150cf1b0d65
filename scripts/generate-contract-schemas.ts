import fs from 'node:fs';
import path from 'node:path';
import { contractSchemas, schemaFileText } from './contract-schemas';

/**
 * `npm run contracts:schemas`: writes libs/contracts/schemas/*.json from the DTOs (and
 * removes schemas no message has any more). Runs compiled, from dist/scripts.
 */
const root = path.resolve(__dirname, __dirname.split(path.sep).includes('dist') ? '../..' : '..');
const dir = path.join(root, 'libs', 'contracts', 'schemas');
fs.mkdirSync(dir, { recursive: true });
const schemas = contractSchemas();
for (const file of fs.readdirSync(dir)) {
  if (file.endsWith('.json') && !(file in schemas)) fs.rmSync(path.join(dir, file));
}
for (const [file, schema] of Object.entries(schemas))
  fs.writeFileSync(path.join(dir, file), schemaFileText(schema));
process.stdout.write(`wrote ${Object.keys(schemas).length} schemas to ${path.relative(root, dir)}/\n`);
