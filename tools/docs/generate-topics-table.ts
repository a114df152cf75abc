/**
 * Regenerates README.md's topic table from the topic catalog in libs/contracts (the single source
 * of truth), between the `<!-- topics:start -->` and `<!-- topics:end -->` markers.
 *
 *   node tools/docs/generate-topics-table.ts           # rewrite README.md
 *   node tools/docs/generate-topics-table.ts --check   # exit 1 when README.md is out of date (CI)
 *
 * Runs on Node 24's built-in type stripping; no build step. Node cannot resolve `@reclaim/*`
 * paths, so the catalog is loaded by its file path (topics.ts imports nothing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type TopicCatalog = typeof import('../../libs/contracts/src/topics');
type TopicSpec = import('../../libs/contracts/src/topics').TopicSpec;

const START = '<!-- topics:start -->';
const END = '<!-- topics:end -->';

const root = resolve(dirname(process.argv[1] ?? '.'), '..', '..');
const readmePath = resolve(root, 'README.md');
const catalogUrl = pathToFileURL(resolve(root, 'libs/contracts/src/topics.ts')).href;

function retention(spec: TopicSpec): string {
  if (spec.cleanupPolicy === 'compact') return 'compacted';
  if (spec.retentionMs < 0) return 'forever';
  const days = spec.retentionMs / 86_400_000;
  return Number.isInteger(days) ? `${days} d` : `${spec.retentionMs} ms`;
}

const cell = (text: string | number): string => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(catalog: TopicCatalog): string {
  const groups = Object.keys(catalog.ConsumerGroups) as Array<keyof TopicCatalog['ConsumerGroups']>;
  const rows: TopicSpec[] = [...Object.values(catalog.Topics), ...groups.map((g) => catalog.deadLetterTopicSpec(g))];
  const lines = [
    '| topic | partitions | retention | key | what it carries |',
    '| --- | ---: | --- | --- | --- |',
    ...rows.map(
      (t) =>
        `| \`${cell(t.name)}\` | ${cell(t.partitions)} | ${cell(retention(t))} | ${cell(t.key)} | ${cell(t.description)} |`,
    ),
  ];
  return [
    START,
    '<!-- Generated from libs/contracts/src/topics.ts by tools/docs/generate-topics-table.ts; do not edit by hand. -->',
    '',
    ...lines,
    '',
    END,
  ].join('\n');
}

export function replaceSection(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return readme.slice(0, start) + table + readme.slice(end + END.length);
}

async function run(): Promise<number> {
  const check = process.argv.includes('--check');
  const catalog = (await import(catalogUrl)) as TopicCatalog;
  const current = readFileSync(readmePath, 'utf8');
  const next = replaceSection(current, renderTable(catalog));
  if (check) {
    if (next === current) return 0;
    process.stderr.write('README.md topic table is out of date: run `node tools/docs/generate-topics-table.ts`\n');
    return 1;
  }
  if (next !== current) writeFileSync(readmePath, next);
  process.stdout.write(next === current ? 'README.md topic table is up to date\n' : 'README.md topic table updated\n');
  return 0;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
