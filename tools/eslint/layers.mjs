import path from 'node:path';

/**
 * The import layers (docs/design.md "Where things live"), as one ESLint rule that
 * resolves every import — `@app/<lib>` aliases and relative paths alike — to the
 * folder it lands in, so `'../../apps/cli/src/x'` and `'@app/ledger'` are judged the
 * same way. Pattern rules (`no-restricted-imports`) see only the text of a path,
 * which cannot tell where a relative import ends up.
 *
 * - apps → libs → contracts: a lib never imports an app; no app imports another app;
 * - `libs/contracts` imports no other lib; `libs/retention` (the domain) only contracts;
 * - another package's files are imported by alias (`@app/<lib>`), never by a relative path;
 * - test/, bench/ and the rest import libs, not app internals, except the modules listed
 *   in `appEntries` (an app's in-process entry points for its tests).
 *
 * `test/layers.int-spec.ts` runs this rule on deliberate violations.
 */

/** `apps/<x>` or `libs/<x>` for a path inside one, else its top folder (`test`, `bench`, …). */
function packageOf(relative) {
  const parts = relative.split(/[\\/]/);
  if ((parts[0] === 'apps' || parts[0] === 'libs') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** Where an import specifier lands: a package and the path from the repository root, or undefined (npm, node:). */
function targetOf(specifier, fromFile, root) {
  const alias = /^@app\/([^/]+)(\/.*)?$/.exec(specifier);
  if (alias)
    return { pkg: `libs/${alias[1]}`, relative: `libs/${alias[1]}/src${alias[2] ?? ''}`, byAlias: true };
  if (!specifier.startsWith('.')) return undefined;
  const relative = path
    .relative(root, path.resolve(path.dirname(fromFile), specifier))
    .split(path.sep)
    .join('/');
  return { pkg: packageOf(relative), relative, byAlias: false };
}

/** The problem with importing `target` from package `from`, or undefined when the layers allow it. */
function problemOf(from, target, appEntries) {
  if (target.pkg === from) return undefined;
  if (target.pkg.startsWith('apps/')) {
    if (from.startsWith('libs/')) return `a library (${from}) must not import an app (${target.pkg})`;
    if (from.startsWith('apps/')) return `no app imports another app (${from} → ${target.pkg})`;
    const entry = target.relative.replace(/\.ts$/, '');
    if (appEntries.includes(entry)) return undefined;
    return `${from}/ must not import app internals (${target.relative}); spawn the built CLI or use a lib`;
  }
  if (!target.pkg.startsWith('libs/')) return undefined;
  if (!target.byAlias) {
    return `import ${target.pkg} by its alias @app/${target.pkg.slice(5)}, not by a relative path`;
  }
  if (from === 'libs/contracts') return `libs/contracts imports no other lib (${target.pkg})`;
  if (from === 'libs/retention' && target.pkg !== 'libs/contracts') {
    return `libs/retention (the domain) imports only libs/contracts, not ${target.pkg}`;
  }
  return undefined;
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point apps → libs → contracts; no app imports another app' },
    schema: [
      {
        type: 'object',
        properties: { appEntries: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = packageOf(path.relative(root, file).split(path.sep).join('/'));
    const appEntries = context.options[0]?.appEntries ?? [];
    const check = (node) => {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const target = targetOf(node.value, file, root);
      const problem = target && problemOf(from, target, appEntries);
      if (problem) context.report({ node, message: problem });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => check(node.moduleReference?.expression),
      TSImportType: (node) => check(node.argument?.literal ?? node.argument),
      CallExpression: (node) => {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isJestMock =
          callee.type === 'MemberExpression' &&
          callee.object.name === 'jest' &&
          callee.property.name === 'mock';
        if (isRequire || isJestMock) check(node.arguments[0]);
      },
    };
  },
};

export default { rules: { imports: importsRule } };
