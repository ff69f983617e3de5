/**
 * The report's stylesheet, inlined into the page: system fonts only (nothing to fetch), print-friendly, and the
 * statechart's path colours repeated in the legend.
 */
export const REPORT_CSS = `
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --soft: #f8fafc; --path: #1d4ed8; --path-soft: #dbeafe;
  --ok: #047857; --ok-soft: #d1fae5; --bad: #b91c1c; --bad-soft: #fee2e2; --warn: #b45309; --warn-soft: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f6; color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
header.report { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; }
h1 { font-size: 20px; margin: 0 0 4px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
h2 { font-size: 16px; margin: 0 0 12px; }
.sub { color: var(--muted); margin: 0 0 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 24px; margin-top: 20px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 6px 18px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .04em; background: var(--soft); color: var(--muted); border: 1px solid var(--line); }
.badge.ok { background: var(--ok-soft); color: var(--ok); border-color: #a7f3d0; }
.badge.bad { background: var(--bad-soft); color: var(--bad); border-color: #fecaca; }
.badge.warn { background: var(--warn-soft); color: var(--warn); border-color: #fde68a; }
.alert { margin: 14px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--bad-soft); color: var(--bad); }
.alert.warn { background: var(--warn-soft); color: var(--warn); }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
table { width: 100%; border-collapse: collapse; }
/* A wide table scrolls inside its card instead of running out of it; long words in a detail wrap. */
.scroll { overflow-x: auto; max-width: 100%; }
table.timeline td:last-child { min-width: 220px; overflow-wrap: anywhere; }
section { min-width: 0; overflow-wrap: anywhere; }
#addresses .scroll { max-height: 480px; overflow-y: auto; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; background: var(--soft); }
td time, td.kind { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.reason { max-width: 360px; overflow-wrap: anywhere; white-space: pre-wrap; }
tr.refused td { background: #fffbeb; }
tr.error td { background: #fef2f2; }
.outcome { font-weight: 600; }
.outcome.ok { color: var(--ok); } .outcome.bad { color: var(--bad); } .outcome.warn { color: var(--warn); }
.chart { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: #fff; padding: 8px; }
.chart svg { display: block; margin: 0 auto; max-width: 100%; height: auto; }
.legend { display: flex; gap: 18px; flex-wrap: wrap; margin: 0 0 10px; color: var(--muted); font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 10px; margin-right: 6px; border-radius: 3px;
  vertical-align: middle; border: 2px solid #c4c9d2; background: #fff; }
.legend .l-visited::before { border-color: var(--path); background: var(--path-soft); }
.legend .l-current::before { border-color: #1e3a8a; background: var(--path); }
.legend .l-taken::before { border: 0; height: 3px; background: var(--path); }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; text-align: center; }
@media print { body { background: #fff; } section, header.report { border-color: #ccc; break-inside: avoid; } }
`;
