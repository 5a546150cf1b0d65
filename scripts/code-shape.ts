/**
 * The shape of the code, for before/after comparisons of a refactor: lines per folder
 * (code and specs apart) and the largest functions. Run on any checkout:
 *
 *   node dist/scripts/code-shape.js [root] [--top N]
 *
 * Lines are physical lines of `.ts` files tracked under apps/, libs/, bench/, test/, tools/
 * and scripts/ (node_modules and dist skipped). A function is any function declaration,
 * method, constructor, accessor, arrow function or function expression; its size is the
 * number of lines from its first to its last token, so a nested function also counts in its
 * parent. Specs are left out of the function list: they are long by nature (tables of cases).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

const TOP_FOLDERS = ['apps', 'libs', 'bench', 'test', 'tools', 'scripts'];
const SKIP = new Set(['node_modules', 'dist', 'target', 'coverage']);

interface FunctionSize {
  file: string;
  name: string;
  lines: number;
}

function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** apps/cli, libs/retention, test, bench… : the folder a file is counted under. */
function folderOf(file: string): string {
  const parts = file.split(sep);
  return parts[0] === 'apps' || parts[0] === 'libs' ? `${parts[0]}/${parts[1]}` : parts[0];
}

const isSpec = (file: string): boolean => /\.(int-|e2e-)?spec\.ts$/.test(file);

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return '(anonymous)';
}

function functionSizes(file: string, text: string): FunctionSize[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sizes: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      sizes.push({ file, name: functionName(node, source), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sizes;
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
  const root = args.find((a, i) => !a.startsWith('--') && i !== topAt + 1) ?? process.cwd();
  const perFolder = new Map<string, { code: number; spec: number; files: number }>();
  const functions: FunctionSize[] = [];
  for (const top of TOP_FOLDERS) {
    let exists = false;
    try {
      exists = statSync(join(root, top)).isDirectory();
    } catch {
      exists = false;
    }
    if (!exists) continue;
    for (const path of tsFiles(join(root, top))) {
      const file = relative(root, path);
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      const row = perFolder.get(folderOf(file)) ?? { code: 0, spec: 0, files: 0 };
      if (isSpec(file)) row.spec += lines;
      else {
        row.code += lines;
        functions.push(...functionSizes(file, text));
      }
      row.files += 1;
      perFolder.set(folderOf(file), row);
    }
  }
  console.log('| folder | files | code lines | spec lines |\n|---|---:|---:|---:|');
  let code = 0;
  let spec = 0;
  for (const [folder, row] of [...perFolder].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${folder} | ${row.files} | ${row.code} | ${row.spec} |`);
    code += row.code;
    spec += row.spec;
  }
  console.log(`| total | | ${code} | ${spec} |\n`);
  functions.sort((a, b) => b.lines - a.lines);
  const over = (n: number): number => functions.filter((f) => f.lines > n).length;
  console.log(`functions (code, not specs): ${functions.length}; over 40 lines: ${over(40)}; over 80: ${over(80)}\n`);
  console.log('| lines | function | file |\n|---:|---|---|');
  for (const f of functions.slice(0, top)) console.log(`| ${f.lines} | ${f.name} | ${f.file} |`);
}

main();
