import type { BreakdownDimension, BreakdownRow, LiftReport, RecoveryReport } from '../reports/recovery-report';
import { bandChart, barChart, stepChart } from './charts';
import { count, hours, interval, money, monies, percent, points } from './format';
import { html, type HtmlPart, type SafeHtml } from './html';
import { layout } from './layout';
import { DEFAULT_DAYS, lastDays, type Period } from './period';

/** A bounce rate above this is flagged (mailbox providers start throttling around here). */
export const BOUNCE_FLAG = 0.02;
/** A complaint rate above this is flagged (Gmail and Yahoo sender guidelines: stay under 0.1 %). */
export const COMPLAINT_FLAG = 0.001;

/** The verdict on the lift in words: a short label and what it means for the store. */
export function verdictWords(lift: LiftReport): { label: string; meaning: string } {
  switch (lift.verdict) {
    case 'significant':
      return lift.absolute >= 0
        ? { label: 'Messages work', meaning: 'significantly more carts recovered than without messages' }
        : { label: 'Messages hurt', meaning: 'significantly fewer carts recovered than without messages' };
    case 'not_yet_significant':
      return {
        label: 'Not significant yet',
        meaning:
          lift.moreAbandonmentsNeeded !== null && lift.moreAbandonmentsNeeded > 0
            ? `the interval still includes zero; about ${count(lift.moreAbandonmentsNeeded)} more abandoned carts needed`
            : 'the interval still includes zero',
      };
    case 'no_holdout':
      return { label: 'No hold-out group', meaning: 'lift cannot be measured without carts held out from messages' };
    case 'not_enough_data':
      return { label: 'Not enough data yet', meaning: 'too few abandoned carts in both groups to measure lift' };
  }
}

/** Recovered and incremental revenue, each currency on its own (never summed across currencies). */
function revenueWords(report: RecoveryReport): HtmlPart {
  const currencies = Object.entries(report.revenue).sort(([a], [b]) => a.localeCompare(b));
  if (currencies.length === 0) return 'No recovered revenue yet.';
  return currencies.map(([currency, r], i) => {
    return html`${i > 0 && '; '}<span data-currency="${currency}"
        >Recovered <strong>${money(r.recovered, currency)}</strong>, incremental
        <strong>${money(r.incremental, currency)}</strong></span
      >${i === currencies.length - 1 && '.'}`;
  });
}

function returnWords(report: RecoveryReport): string {
  const { cost } = report;
  if (cost.total <= 0) return 'Return on cost: no costs set.';
  const spent = money(cost.total, cost.currency);
  if (cost.incrementalRevenuePerCost === null) return `Return on cost: not measurable yet (cost ${spent}).`;
  const unit = 10 ** digits(cost.currency);
  return `Return on cost: ${money(cost.incrementalRevenuePerCost * unit, cost.currency)} incremental revenue per ${money(unit, cost.currency)} spent (cost ${spent}).`;
}

const digits = (currency: string): number => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** The line the owner reads first: the verdict, the two recovery rates with the lift, revenue, return. */
export function headline(report: RecoveryReport): SafeHtml {
  const { lift } = report;
  const words = verdictWords(lift);
  const rates =
    report.abandoned === 0
      ? html`No abandoned carts in this period yet.`
      : lift.verdict === 'no_holdout'
        ? html`<strong>${percent(report.treated.rate)}</strong> of messaged-group carts recovered (no hold-out to
            compare with).`
        : html`<strong>${percent(report.treated.rate)}</strong> of carts recovered with messages vs
            <strong>${percent(report.holdout.rate)}</strong> held out: lift
            <strong>${interval(lift.absolute, lift.ci95, 'always-valid')}</strong>.`;
  return html`<section class="headline" id="topline" aria-label="Summary">
    <p>
      <span class="verdict" data-verdict="${lift.verdict}">${words.label}: ${words.meaning}.</span> ${rates}
      ${revenueWords(report)} ${returnWords(report)}
    </p>
  </section>`;
}

/** A table whose cells say which column they are in, so narrow screens can show them as a list. */
function table(options: {
  caption?: string;
  columns: string[];
  rows: ReadonlyArray<ReadonlyArray<HtmlPart>>;
  stack?: boolean;
  id?: string;
}): SafeHtml {
  const { columns } = options;
  return html`<table${options.stack !== false && html` class="stack"`}${options.id && html` id="${options.id}"`}>${
    options.caption &&
    html`<caption>
      ${options.caption}
    </caption>`
  }<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead><tbody>${options.rows.map(
    (row) =>
      html`<tr>
        ${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td data-label="${columns[i]}">${cell}</td>`))}
      </tr>`,
  )}</tbody></table>`;
}

function funnel(report: RecoveryReport): SafeHtml {
  const stages = [
    { key: 'abandoned', label: 'Abandoned', value: report.abandoned },
    { key: 'messaged', label: 'Messaged', value: report.messaged },
    { key: 'clicked', label: 'Clicked', value: report.clicked },
    { key: 'recovered', label: 'Recovered', value: report.recovered },
  ];
  const chart = barChart({
    title: 'Funnel',
    desc: stages.map((s) => `${s.label}: ${count(s.value)} carts`).join('; '),
    bars: stages,
    axisLabel: 'carts',
    format: count,
  });
  const rows = stages.map((s) => [
    s.label,
    html`<span data-metric="${s.key}">${count(s.value)}</span>`,
    report.abandoned > 0 ? percent(s.value / report.abandoned) : '—',
  ]);
  return html`<section id="funnel" aria-labelledby="funnel-h">
    <h2 id="funnel-h">Funnel</h2>
    <div class="charts">${chart}${table({ columns: ['Stage', 'Carts', 'Of abandoned'], rows, stack: false })}</div>
    <p class="note">Abandoned counts both groups; only carts not held out are messaged.</p>
  </section>`;
}

function channels(report: RecoveryReport): SafeHtml {
  const body =
    report.byChannel.length === 0
      ? html`<p class="empty">By channel: no data yet.</p>`
      : table({
          columns: ['Channel', 'Sent', 'Clicked', 'Recovered', 'Revenue', 'Share', 'Cost'],
          rows: report.byChannel.map((row) => [
            row.channel,
            count(row.sent),
            count(row.clicked),
            count(row.recovered),
            monies(row.revenue),
            percent(row.share),
            money(row.cost, report.cost.currency),
          ]),
        });
  return html`<section id="channels" aria-labelledby="channels-h">
    <h2 id="channels-h">By channel</h2>
    ${body}
    <p class="note">Share: of all recoveries credited to a message. Cost in ${report.cost.currency}.</p>
  </section>`;
}

function decay(report: RecoveryReport): SafeHtml {
  const { buckets, medianHours } = report.timeToRecover;
  const range = (from: number, to: number): string => `${from === 0 ? '0' : hours(from)}–${hours(to)}`;
  const chart = stepChart({
    title: 'Time to recover',
    desc: `Share of recoveries made by each time since abandonment: ${buckets.map((b) => `${hours(b.toHours)} ${percent(b.cumulativeShare)}`).join(', ')}`,
    steps: buckets.map((b) => ({ label: hours(b.toHours), value: b.cumulativeShare })),
    xLabel: 'hours since abandonment',
    yLabel: 'share of recoveries, cumulative',
    format: (v) => `${Math.round(v * 100)}%`,
  });
  const numbers =
    buckets.length > 0 &&
    html`<details>
      <summary>Numbers</summary>
      ${table({
        columns: ['Since abandonment', 'Recovered', 'Cumulative'],
        rows: buckets.map((b) => [range(b.fromHours, b.toHours), count(b.recovered), percent(b.cumulativeShare)]),
        stack: false,
      })}
    </details>`;
  const median =
    medianHours === null
      ? null
      : html`<p>Half of the recoveries came within <strong>${hours(medianHours)}</strong>.</p>`;
  return html`<section id="decay" aria-labelledby="decay-h">
    <h2 id="decay-h">Time to recover</h2>
    ${median}${chart}${numbers}
  </section>`;
}

function liftOverTime(report: RecoveryReport): SafeHtml {
  const { lift, liftOverTime: series } = report;
  const latest = series[series.length - 1];
  const chart = bandChart({
    title: 'Lift over time',
    desc: `Cumulative lift (treated minus hold-out recovery rate) by day with its always-valid 95 % band${latest ? `; latest ${interval(latest.absolute, latest.ci95, 'always-valid')}` : ''}`,
    points: series.map((p) => ({
      label: p.at.slice(0, 10),
      estimate: p.absolute,
      low: p.ci95[0],
      high: p.ci95[1],
      fixed: p.fixedCi95,
    })),
    xLabel: 'day (cumulative estimate)',
    yLabel: 'lift, percentage points',
    bandLabel: 'always-valid 95 % interval',
    fixedLabel: 'fixed 95 % interval (valid for one look only)',
    format: points,
  });
  const numbers =
    series.length > 0 &&
    html`<details>
      <summary>Numbers</summary>
      ${table({
        columns: ['Day', 'Lift', 'Always-valid 95 %', 'Fixed 95 %'],
        rows: series.map((p) => [
          p.at.slice(0, 10),
          points(p.absolute),
          `${points(p.ci95[0])} to ${points(p.ci95[1])}`,
          `${points(p.fixedCi95[0])} to ${points(p.fixedCi95[1])}`,
        ]),
      })}
    </details>`;
  const groups = table({
    columns: ['Group', 'Abandoned', 'Recovered', 'Rate', 'Shoppers'],
    rows: [
      [
        'With messages',
        count(lift.treated.abandoned),
        count(lift.treated.recovered),
        percent(lift.treated.rate),
        count(lift.treated.shoppers),
      ],
      [
        'Held out',
        count(lift.holdout.abandoned),
        count(lift.holdout.recovered),
        percent(lift.holdout.rate),
        count(lift.holdout.shoppers),
      ],
    ],
  });
  const currencies = Object.entries(lift.byCurrency).sort(([a], [b]) => a.localeCompare(b));
  const perCurrency =
    currencies.length > 1 &&
    html`<h3>By cart currency</h3>
      ${table({
        columns: ['Currency', 'With messages', 'Held out', 'Lift (always-valid 95 %)', 'Verdict'],
        rows: currencies.map(([currency, c]) => [
          currency,
          `${percent(c.treated.rate)} of ${count(c.treated.abandoned)}`,
          `${percent(c.holdout.rate)} of ${count(c.holdout.abandoned)}`,
          interval(c.absolute, c.ci95, 'always-valid'),
          c.verdictText,
        ]),
      })}`;
  const since = lift.since.slice(0, 10);
  return html`<section id="lift" aria-labelledby="lift-h">
    <h2 id="lift-h">Lift over time</h2>
    <p>${lift.verdictText}</p>
    ${chart}${numbers}
    <h3>Since ${since}${lift.holdoutPercent !== null && html` (hold-out ${lift.holdoutPercent} %)`}</h3>
    ${groups}${perCurrency}
    <p class="note">
      Fixed interval: ${interval(lift.absolute, lift.fixedCi95, 'fixed')}; valid for a single look only, the
      always-valid one for checking as often as you like. Method: ${lift.method}.
    </p>
  </section>`;
}

const DIMENSIONS: ReadonlyArray<{ dimension: BreakdownDimension; title: string }> = [
  { dimension: 'segment', title: 'Segment' },
  { dimension: 'angle', title: 'Message angle' },
  { dimension: 'touch', title: 'Touch' },
  { dimension: 'device', title: 'Device' },
  { dimension: 'country', title: 'Country' },
];

function breakdowns(report: RecoveryReport): SafeHtml {
  const byDimension = (dimension: BreakdownDimension): BreakdownRow[] =>
    report.breakdown.filter((row) => row.dimension === dimension);
  const tables = DIMENSIONS.map(({ dimension, title }) => {
    const rows = byDimension(dimension);
    if (rows.length === 0)
      return html`<h3>${title}</h3>
        <p class="empty">${title}: no data yet.</p>`;
    return html`<h3>${title}</h3>
      ${table({
        columns: [title, 'Abandoned', 'Messaged', 'Clicked', 'Recovered', 'Rate', 'Revenue'],
        rows: rows.map((row) => [
          row.key,
          row.abandoned === null ? '—' : count(row.abandoned),
          count(row.messaged),
          count(row.clicked),
          count(row.recovered),
          percent(row.rate),
          monies(row.revenue),
        ]),
      })}`;
  });
  return html`<section id="breakdowns" aria-labelledby="breakdowns-h">
    <h2 id="breakdowns-h">Breakdowns</h2>
    <p class="note">
      Segment, device and country count abandoned carts; angle and touch count messages sent and the recoveries credited
      to them.
    </p>
    ${tables}
  </section>`;
}

function deliverability(report: RecoveryReport): SafeHtml {
  const d = report.deliverability;
  const flag = (rate: number | null, limit: number, what: string): HtmlPart =>
    rate !== null && rate > limit
      ? html`<span class="flag">⚠ High: above ${percent(limit)}</span>`
      : html`<span class="ok">${rate === null ? '' : `OK (≤ ${percent(limit)} ${what})`}</span>`;
  const rows: HtmlPart[][] = [
    ['Sent', count(d.sent), '', ''],
    ['Bounced', count(d.bounced), percent(d.rates.bounced), flag(d.rates.bounced, BOUNCE_FLAG, 'bounces')],
    [
      'Complaints',
      count(d.complained),
      percent(d.rates.complained),
      flag(d.rates.complained, COMPLAINT_FLAG, 'complaints'),
    ],
    ['Unsubscribed', count(d.unsubscribed), percent(d.rates.unsubscribed), ''],
    ['SMS opt-outs', count(d.smsOptOuts), percent(d.rates.smsOptOuts), ''],
  ];
  return html`<section id="deliverability" aria-labelledby="deliverability-h">
    <h2 id="deliverability-h">Deliverability</h2>
    ${table({ columns: ['Measure', 'Count', 'Rate', 'Health'], rows })}
  </section>`;
}

function tools(period: Period): SafeHtml {
  const csv = `/v1/reports/recovery.csv?${new URLSearchParams({ from: period.from.toISOString(), to: period.to.toISOString() }).toString()}`;
  return html`<section id="explain" aria-labelledby="explain-h">
    <h2 id="explain-h">Explain a cart</h2>
    <form method="get" action="/carts">
      <label for="cartId">Cart id</label><input id="cartId" name="cartId" required maxlength="200" autocomplete="off" />
      <button type="submit">Explain</button>
    </form>
    <ul class="links">
      <li><a href="${csv}">Download CSV for this period</a></li>
      <li><a href="/docs">API docs</a></li>
    </ul>
  </section>`;
}

function periodPicker(period: Period, now: Date): SafeHtml {
  const quick = [7, 30, 90].map((days) => {
    const { fromDay, toDay } = lastDays(days, now);
    const current = fromDay === period.fromDay && toDay === period.toDay;
    return html`<a
      href="/?${new URLSearchParams({ from: fromDay, to: toDay }).toString()}"
      ${current && html` aria-current="page"`}
      >Last ${days} days</a
    >`;
  });
  return html`<nav class="period" aria-label="Period">
    <div class="quick">${quick}</div>
    <form method="get" action="/">
      <div>
        <label for="from">From</label><input type="date" id="from" name="from" value="${period.fromDay}" required />
      </div>
      <div><label for="to">To</label><input type="date" id="to" name="to" value="${period.toDay}" required /></div>
      <button type="submit">Show</button>
    </form>
  </nav>`;
}

/** The dashboard: headline first, then funnel, channels, decay, lift, breakdowns, deliverability, tools. */
export function renderDashboard(report: RecoveryReport, period: Period, now: Date): SafeHtml {
  const body = html`<h1>Cart recovery, ${period.fromDay} to ${period.toDay} <small class="note">(UTC)</small></h1>
    ${periodPicker(period, now)}${headline(report)}${funnel(report)}${channels(report)}${decay(report)}${liftOverTime(report)}${breakdowns(report)}${deliverability(report)}${tools(period)}
    <p class="note">
      Generated ${report.generatedAt.replace('T', ' ').slice(0, 16)} UTC. Default period: the last ${DEFAULT_DAYS} days.
    </p>`;
  return layout({ title: `Cart recovery · ${report.storeId}`, storeId: report.storeId, body });
}

/** The sign-in form, with an error message when a key or link was refused. */
export function renderSignIn(message?: string): SafeHtml {
  const body = html`<div class="signin">
    <h1>Sign in</h1>
    ${message && html`<p class="error" role="alert">${message}</p>`}
    <form method="post" action="/signin">
      <label for="key">Store reports key</label
      ><input id="key" name="key" type="password" autocomplete="off" required maxlength="512" autofocus /><button
        type="submit"
      >
        Sign in
      </button>
    </form>
    <p class="note">
      Use your store's read-only reports key. The ingestion key that posts events is not accepted here. Or open a
      dashboard link you were sent.
    </p>
  </div>`;
  return layout({ title: 'Sign in · Reclaim', body });
}

/** A plain page for a bad request (e.g. a bad date), with the way back. */
export function renderMessage(title: string, message: string, storeId?: string): SafeHtml {
  const body = html`<h1>${title}</h1>
    <p class="error" role="alert">${message}</p>
    <p><a href="/">Back to the dashboard (last ${DEFAULT_DAYS} days)</a></p>`;
  return layout({ title: `${title} · Reclaim`, body, ...(storeId !== undefined && { storeId }) });
}
