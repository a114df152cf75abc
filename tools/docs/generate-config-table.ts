/**
 * Regenerates README.md's configuration table from the services' config schemas
 * (libs/platform/src/base-config.ts and apps/<service>/src/config.ts), between the
 * `<!-- config:start -->` and `<!-- config:end -->` markers. Each variable's description is the
 * JSDoc comment above it in the schema; its default is read from `envInt(4)`, `envPort(3000)`,
 * `envDuration('30m')`, … or `.default(…)`.
 *
 *   node tools/docs/generate-config-table.ts           # rewrite README.md
 *   node tools/docs/generate-config-table.ts --check   # exit 1 when README.md is out of date (CI)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

const START = '<!-- config:start -->';
const END = '<!-- config:end -->';
const SERVICES = ['ingestion', 'segmentation', 'scheduler', 'email', 'sms', 'push', 'attribution'];

const root = resolve(dirname(process.argv[1] ?? '.'), '..', '..');
const readmePath = resolve(root, 'README.md');

interface Variable {
  name: string;
  defaultValue: string;
  description: string;
  services: string[];
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2023, true);
}

function jsDoc(node: ts.Node, source: ts.SourceFile): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.pos) ?? [];
  return ranges
    .map((r) => source.text.slice(r.pos, r.end))
    .filter((c) => c.startsWith('/**'))
    .map((c) =>
      c
        .replace(/^\/\*\*|\*\/$/g, '')
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, '').trim())
        .join(' ')
        .trim(),
    )
    .join(' ');
}

/** The `const x = …` initializer of an identifier declared in the same file (one level). */
function resolveIdentifier(id: ts.Identifier, source: ts.SourceFile): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  source.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === id.text) {
      found = node.initializer;
    }
    node.forEachChild(visit);
  });
  return found;
}

/** A function declared in this file whose first parameter is its fallback (`(fallback) => z…`). */
function isLocalHelper(id: ts.Identifier, source: ts.SourceFile): boolean {
  const target = resolveIdentifier(id, source);
  if (!target || !(ts.isArrowFunction(target) || ts.isFunctionExpression(target))) return false;
  const first = target.parameters[0];
  return first !== undefined && ts.isIdentifier(first.name) && /^(fallback|default)/i.test(first.name.text);
}

function literal(expr: ts.Expression | undefined, source: ts.SourceFile): string {
  if (!expr) return 'computed';
  if (ts.isIdentifier(expr)) {
    const target = resolveIdentifier(expr, source);
    return target && !ts.isIdentifier(target) ? literal(target, source) : 'computed';
  }
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
    return expr.text === '' ? '(empty)' : expr.text;
  if (ts.isNumericLiteral(expr)) return String(Number(expr.getText().replace(/_/g, '')));
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  if (expr.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  return 'computed';
}

/** Default from `envX(default, …)` or `.default(value)`; undefined when the variable is required. */
function defaultOf(init: ts.Expression, source: ts.SourceFile): string | undefined {
  let result: string | undefined;
  const visit = (node: ts.Node): void => {
    if (result !== undefined) return;
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      // envInt(4), envPort(3000), … or a helper of this file such as baseUrl('http://…'): the
      // first argument is the default.
      if (
        ts.isIdentifier(callee) &&
        node.arguments[0] &&
        (/^env[A-Z]/.test(callee.text) || isLocalHelper(callee, source))
      ) {
        result = literal(node.arguments[0], source);
        return;
      }
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'default') {
        result = literal(node.arguments[0], source);
        return;
      }
    }
    if (ts.isIdentifier(node) && node !== init) {
      const target = resolveIdentifier(node, source);
      if (target && ts.isCallExpression(target)) visit(target);
    }
    node.forEachChild(visit);
  };
  if (ts.isIdentifier(init)) {
    const target = resolveIdentifier(init, source);
    if (target) visit(target);
  } else {
    visit(init);
  }
  return result;
}

/** Properties of the object literal passed to `z.object({...})` (or assigned to `name`). */
function schemaProperties(source: ts.SourceFile, objectName?: string): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  source.forEachChild(function visit(node) {
    if (found) return;
    if (objectName && ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === objectName) {
      let init = node.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
      if (init && ts.isObjectLiteralExpression(init)) found = init;
    }
    if (
      !objectName &&
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'object' &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0]) &&
      node.arguments[0].properties.some(ts.isSpreadAssignment)
    ) {
      found = node.arguments[0];
    }
    node.forEachChild(visit);
  });
  return found;
}

function variablesOf(object: ts.ObjectLiteralExpression, source: ts.SourceFile, service: string): Variable[] {
  const out: Variable[] = [];
  for (const prop of object.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const name = prop.name.getText(source);
    let description = jsDoc(prop, source);
    if (!description && /_PORT$/.test(name))
      description = `HTTP port of ${service}: its API, \`GET /health\` and \`GET /metrics\`.`;
    out.push({
      name,
      defaultValue: defaultOf(prop.initializer, source) ?? '**required**',
      description,
      services: [service],
    });
  }
  return out;
}

/** Shapes of settings a lib shares with the services that spread them into their schema (`...name`). */
const SHARED_SHAPES: Record<string, string> = {
  touchAttemptConfigShape: 'libs/delivery/src/attempt-config.ts',
};

/** The variables of the shapes an app's schema spreads (other than baseConfigShape), for that app. */
function spreadVariables(object: ts.ObjectLiteralExpression, service: string): Variable[] {
  return object.properties.flatMap((prop) => {
    if (!ts.isSpreadAssignment(prop) || !ts.isIdentifier(prop.expression)) return [];
    const file = SHARED_SHAPES[prop.expression.text];
    if (!file) return [];
    const source = parse(resolve(root, file));
    const shape = schemaProperties(source, prop.expression.text);
    if (!shape) throw new Error(`${prop.expression.text} not found in ${file}`);
    return variablesOf(shape, source, service);
  });
}

export function collect(): Variable[] {
  const baseFile = resolve(root, 'libs/platform/src/base-config.ts');
  const baseSource = parse(baseFile);
  const baseObject = schemaProperties(baseSource, 'baseConfigShape');
  if (!baseObject) throw new Error('baseConfigShape not found in libs/platform/src/base-config.ts');
  const vars: Variable[] = variablesOf(baseObject, baseSource, 'all');
  const byName = new Map<string, Variable>(vars.map((v) => [v.name, v]));
  for (const service of SERVICES) {
    const file = resolve(root, `apps/${service}/src/config.ts`);
    if (!existsSync(file)) continue;
    const source = parse(file);
    const object = schemaProperties(source);
    if (!object) continue;
    for (const v of [...variablesOf(object, source, service), ...spreadVariables(object, service)]) {
      const seen = byName.get(v.name);
      if (seen) {
        if (!seen.services.includes('all')) seen.services.push(service);
        if (!seen.description) seen.description = v.description;
      } else {
        byName.set(v.name, v);
        vars.push(v);
      }
    }
  }
  return vars;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string =>
  text === '**required**' || text === 'computed' || text === '(empty)' ? text : `\`${text}\``;

export function renderTable(vars: Variable[]): string {
  return [
    START,
    '<!-- Generated from the config schemas by tools/docs/generate-config-table.ts; do not edit by hand. -->',
    '',
    '| variable | used by | default | meaning |',
    '| --- | --- | --- | --- |',
    ...vars.map(
      (v) =>
        `| \`${v.name}\` | ${v.services.join(', ')} | ${cell(code(v.defaultValue))} | ${cell(v.description || '—')} |`,
    ),
    '',
    END,
  ].join('\n');
}

function replaceSection(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return readme.slice(0, start) + table + readme.slice(end + END.length);
}

function run(): number {
  const check = process.argv.includes('--check');
  const current = readFileSync(readmePath, 'utf8');
  const next = replaceSection(current, renderTable(collect()));
  if (check) {
    if (next === current) return 0;
    process.stderr.write(
      'README.md configuration table is out of date: run `node tools/docs/generate-config-table.ts`\n',
    );
    return 1;
  }
  if (next !== current) writeFileSync(readmePath, next);
  process.stdout.write(
    next === current ? 'README.md configuration table is up to date\n' : 'README.md configuration table updated\n',
  );
  return 0;
}

try {
  process.exitCode = run();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
