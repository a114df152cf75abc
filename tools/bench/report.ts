import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OUT_DIR } from './bench-kit';

/** A goal a figure is compared with (not a test: the bench reports, it never fails on a miss). */
export interface Target {
  /** `>=`: at least; `<=`: at most. */
  op: '>=' | '<=';
  value: number;
  /** How the target reads in the table when it is not just the number (e.g. `0.5 × raw kafkajs`). */
  label?: string;
}

/** One line of the report. `value` is null when the measurement did not produce it (see `detail`). */
export interface Row {
  section: string;
  name: string;
  value: number | null;
  unit: string;
  detail?: string;
  target?: Target;
}

export function verdict(row: Row): string {
  const t = row.target;
  if (!t) return '';
  if (row.value === null || Number.isNaN(row.value)) return 'not measured';
  const short = t.op === '>=' ? t.value - row.value : row.value - t.value;
  return short <= 0 ? 'met' : `missed by ${format(short)} ${row.unit}`;
}

export function format(n: number | null): string {
  if (n === null || Number.isNaN(n)) return '—';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function targetText(row: Row): string {
  const t = row.target;
  if (!t) return '';
  return `${t.op === '>=' ? '≥' : '≤'} ${t.label ?? `${format(t.value)} ${row.unit}`}`;
}

/** The rows as a plain-text table, one block per section. */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => ({
    section: r.section,
    name: r.name,
    value: `${format(r.value)} ${r.unit}`,
    target: targetText(r),
    verdict: verdict(r),
    detail: r.detail ?? '',
  }));
  const w = (key: 'name' | 'value' | 'target' | 'verdict') => Math.max(...cells.map((c) => c[key].length), 0);
  const [wn, wv, wt, wr] = [w('name'), w('value'), w('target'), w('verdict')];
  const lines: string[] = [];
  let section = '';
  for (const c of cells) {
    if (c.section !== section) {
      section = c.section;
      lines.push('', section);
    }
    lines.push(
      `  ${c.name.padEnd(wn)}  ${c.value.padStart(wv)}  ${c.target.padEnd(wt)}  ${c.verdict.padEnd(wr)}  ${c.detail}`.trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the report (rows, settings, raw figures per measurement) to report.json in BENCH_OUT_DIR. */
export function writeReport(report: { rows: readonly Row[] } & Record<string, unknown>): string {
  const file = resolve(OUT_DIR, 'report.json');
  mkdirSync(OUT_DIR, { recursive: true });
  const rows = report.rows.map((r) => ({ ...r, verdict: verdict(r) || undefined }));
  writeFileSync(file, `${JSON.stringify({ ...report, rows }, null, 2)}\n`);
  return file;
}
