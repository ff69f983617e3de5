import type { DecisionRow } from './decisions.js';
import type { TimelineRow } from './phase-timeline.js';
import type { ReportModel } from './report-model.js';
import { REPORT_CSS } from './report-styles.js';
import { addressesHtml, killSwitchHtml } from './render-sections.js';
import { counted } from '../text/plural.js';
import { codedReason } from '../text/refusal-lines.js';

/** Escapes text for HTML element content and quoted attribute values. Every string from a run goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

/** The run's first day (UTC): table times on it are shown without their date. */
const dayOf = (model: ReportModel): string => new Date(model.header.createdAt).toISOString().slice(0, 10);

/**
 * `2026-11-21T23:20:11.123Z` → `2026-11-21 23:20:11.123 UTC` in a `<time>` element; within a table, where `day` is
 * the run's first day, times on that day drop the date (`23:20:11.123`) so columns stay narrow.
 */
export function formatTime(iso: string | null, day?: string): string {
  if (iso === null || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return e(iso);
  const full = date.toISOString();
  const text = day !== undefined && full.startsWith(day) ? full.slice(11, 23) : `${full.slice(0, 10)} ${full.slice(11, 23)}${day === undefined ? ' UTC' : ''}`;
  return `<time datetime="${e(full)}" title="${e(full)}">${text}</time>`;
}

/** A duration for people: `850 ms`, `4.2 s`, `3 min 5 s`, `2 h 7 min`, `3 d 4 h`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/**
 * A status's colour: green only for a run that did what it set out to do. A compensated run tore and was undone: the
 * undoing worked, the change did not happen, so it is amber, never the green of success.
 */
const tone = (status: string): string =>
  status === 'completed' ? 'ok'
    : status === 'parked' || status === 'active' || status === 'compensated' ? 'warn'
    : 'bad';

const OUTCOME_TONE: Readonly<Record<string, string>> = {
  done: 'ok', approved: 'ok', resumed: 'ok', ended: 'ok', error: 'bad', rejected: 'bad', cancelled: 'bad', escalated: 'warn',
  waiting: 'warn', 'in flight': 'warn', interrupted: 'warn',
};

function headerHtml(model: ReportModel): string {
  const h = model.header;
  const facts: [string, string][] = [
    ['Run', `<code>${e(h.runId)}</code>`],
    ['Mode', e(h.mode)],
    ['Final state', `<code>${e(h.state)}</code>`],
    ['Status', e(h.status)],
    ['Target', e(h.target)],
    ['Initiator', e(h.initiator)],
    ['Plan hash', h.planHash === null ? 'not pinned' : `<code>${e(h.planHash)}</code>`],
    ['Change set', h.changeSetId === null ? '—' : `<code>${e(h.changeSetId)}</code>`],
    ['Rows planned', h.rowCount === null ? '—' : String(h.rowCount)],
    ['Created', formatTime(h.createdAt)],
    ['Last update', formatTime(h.updatedAt)],
    ['Report written', formatTime(h.generatedAt)],
  ];
  const alerts = [
    ...(h.error === null ? [] : [`<p class="alert">Error <code>${e(h.error.code)}</code>: ${e(h.error.message)}</p>`]),
    ...(h.tornReason === null ? [] : [`<p class="alert">Torn: ${e(h.tornReason)}</p>`]),
    ...(h.interruptions === 0 ? [] : [`<p class="alert warn" id="interrupted">Interrupted: ${h.interruptions === 1 ? 'once' : `${h.interruptions} times`} the process running a phase stopped before the phase ended, and the run was restored and the phase run again (rows marked <em>interrupted</em> in the timeline).</p>`]),
  ];
  return `<header class="report">
<h1>Cutter run report <span class="badge ${tone(h.status)}" id="run-status">${e(h.status)}</span></h1>
<p class="sub">Run <code>${e(h.runId)}</code> · ${e(h.mode)} · ${e(h.target)}</p>
<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join('')}</dl>
${alerts.join('\n')}
</header>`;
}

function chartHtml(model: ReportModel, svg: string): string {
  const note = model.path.complete
    ? `${counted(model.path.steps.length, 'transition')} taken, from the run's journal.`
    : 'The journal could not be matched to this statechart step by step (was the run made by another Cutter version?): only the states the journal names are highlighted.';
  return `<section id="statechart">
<h2>Path through the statechart</h2>
<p class="legend"><span class="l-visited">visited state</span><span class="l-current">where the run is now</span><span class="l-taken">transition taken</span><span>not visited</span></p>
<div class="chart">${svg}</div>
<p class="note">${e(note)} The chart is generated from the machine definition; it is never drawn by hand.</p>
</section>`;
}

function timelineRowHtml(row: TimelineRow, index: number, day: string): string {
  const kind = row.name === null ? row.kind : `${row.kind} ${row.name}`;
  return `<tr class="${row.outcome === 'error' ? 'error' : ''}"><td class="num">${index + 1}</td><td><code>${e(row.state)}</code></td><td class="kind">${e(kind)}</td>`
    + `<td>${formatTime(row.start, day)}</td><td>${formatTime(row.end, day)}</td><td class="num">${formatDuration(row.durationMs)}</td>`
    + `<td class="num">${row.rows === null ? '—' : String(row.rows)}</td>`
    + `<td><span class="outcome ${OUTCOME_TONE[row.outcome] ?? ''}">${e(row.outcome)}</span></td><td>${e(row.detail)}</td></tr>`;
}

function timelineHtml(model: ReportModel): string {
  const body = model.timeline.length === 0
    ? '<tr><td colspan="9">The run never left its initial state.</td></tr>'
    : model.timeline.map((row, i) => timelineRowHtml(row, i, dayOf(model))).join('\n');
  return `<section id="timeline">
<h2>Phase timeline</h2>
<div class="scroll"><table class="timeline"><thead><tr><th>#</th><th>State</th><th>Kind</th><th>Start (UTC)</th><th>End (UTC)</th><th>Duration</th><th>Rows</th><th>Outcome</th><th>Detail</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
<p class="note">Times are UTC; those on the run's first day, ${dayOf(model)}, are shown without their date. Hover a time for the full instant.</p>
</section>`;
}

/**
 * What the run made of a decision it took, in words and colour: an approval accepted is good news, a rejection or a
 * cancellation taken is the run stopping (red), never an "accepted" in green.
 */
const DECISION_OUTCOME: Readonly<Record<DecisionRow['action'], { word: string; tone: string }>> = {
  approve: { word: 'accepted', tone: 'ok' },
  reject: { word: 'rejected: the run stops here', tone: 'bad' },
  cancel: { word: 'cancelled', tone: 'bad' },
  resume: { word: 'resumed', tone: 'ok' },
  escalate: { word: 'escalated to SG_3', tone: 'warn' },
  refusal: { word: 'refused', tone: 'bad' },
};

/** What came of a decision: its own outcome, the refusal that followed it, or the wait its gate went on with. */
function decisionOutcomeHtml(row: DecisionRow): string {
  const { refusal } = row;
  if (refusal === null) return `<span class="outcome ${DECISION_OUTCOME[row.action].tone}">${DECISION_OUTCOME[row.action].word}</span>`;
  // A wait took the approval: nothing was refused, and its reason names its code and gate already (as `status` prints it).
  if (refusal.label !== 'refused') return `<span class="outcome warn">${refusal.label}</span> ${e(codedReason(refusal))}`;
  return `<span class="outcome bad">refused</span> <code>${e(refusal.code)}</code> ${e(refusal.gate === row.gate ? '' : `(${refusal.gate}) `)}${e(refusal.reason)}`;
}

function decisionRowHtml(row: DecisionRow, day: string): string {
  const refused = row.refusal?.label === 'refused';
  const outcome = decisionOutcomeHtml(row);
  const review = row.reviewDecisionId === null ? '' : `<br><span class="note">review decision <code>${e(row.reviewDecisionId)}</code></span>`;
  return `<tr class="${refused ? 'refused' : ''}"><td>${formatTime(row.at, day)}</td><td>${e(row.gate ?? '—')}</td><td>${e(row.action)}</td>`
    + `<td>${e(row.who ?? '—')}</td><td class="reason">${e(row.reason ?? '—')}${review}</td><td>${formatTime(row.signedAt, day)}</td><td>${formatTime(row.expiresAt, day)}</td><td>${outcome}</td></tr>`;
}

function nextHtml(model: ReportModel): string {
  if (model.next.length === 0) return '';
  const rows = model.next.map((step) => `<tr><td><code>${e(step.event)}</code></td><td>${e(step.leadsTo.join(' | ') || '(stays)')}</td>`
    + `<td>${step.needs.length === 0 ? '—' : `<ul>${step.needs.map((n) => `<li>${e(n)}</li>`).join('')}</ul>`}</td></tr>`).join('\n');
  return `<section id="next">
<h2>What this run still needs</h2>
<table><thead><tr><th>Step</th><th>Leads to</th><th>Needs</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

function decisionsHtml(model: ReportModel): string {
  const body = model.decisions.length === 0
    ? '<tr><td colspan="8">No approvals or other decisions were given to this run.</td></tr>'
    : model.decisions.map((row) => decisionRowHtml(row, dayOf(model))).join('\n');
  return `<section id="approvals">
<h2>Approvals and decisions</h2>
<div class="scroll"><table><thead><tr><th>Received (UTC)</th><th>Gate</th><th>Action</th><th>Who</th><th>Reason</th><th>Signed (UTC)</th><th>Expires (UTC)</th><th>Outcome</th></tr></thead>
<tbody>
${body}
</tbody></table></div>
</section>`;
}

function ledgerHtml(model: ReportModel): string {
  const { entries, chain } = model.ledger;
  const verdict = chain.ok
    ? `<span class="outcome ok">chain intact</span>: ${counted(chain.records, 'record')}, head <code>${e(chain.headHash.slice(0, 16))}…</code>`
    : `<span class="outcome bad">chain BROKEN</span> at record #${chain.seq}: ${e(chain.reason)}`;
  const body = entries.length === 0
    ? '<tr><td colspan="4">No ledger entries for this change set.</td></tr>'
    : entries.map((r) => `<tr><td class="num">${r.seq}</td><td><code>${e(r.hashPrefix)}…</code></td><td>${e(r.kind)}</td><td>${formatTime(r.recordedAt, dayOf(model))}</td></tr>`).join('\n');
  const changeSet = model.header.changeSetId === null ? '' : ` <code>${e(model.header.changeSetId)}</code>`;
  return `<section id="ledger">
<h2>Ledger entries for change set${changeSet}</h2>
<table><thead><tr><th>Seq</th><th>Record hash</th><th>Kind</th><th>Recorded (UTC)</th></tr></thead>
<tbody>
${body}
</tbody></table>
<p class="note">${verdict}</p>
</section>`;
}

/**
 * The whole report as one self-contained HTML page: inline CSS and SVG, no script, no font or image to fetch, and
 * a Content-Security-Policy that forbids loading anything, so the file reads the same offline, archived or attached
 * to a ticket. Pure: the same model and chart give the same bytes.
 */
export function renderReportHtml(model: ReportModel, chartSvg: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cutter run ${e(model.header.runId)}: ${e(model.header.status)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${headerHtml(model)}
${chartHtml(model, chartSvg)}
${timelineHtml(model)}
${nextHtml(model)}
${decisionsHtml(model)}
${killSwitchHtml(model, { e, time: (iso) => formatTime(iso, dayOf(model)) })}
${addressesHtml(model, { e })}
${ledgerHtml(model)}
<footer>Written by <code>cutter report</code> from the run's stored snapshot, its journal and the target's ledger. IU bodies are not included.</footer>
</main>
</body>
</html>
`;
}
