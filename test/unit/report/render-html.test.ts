/** The report page: escaped, self-contained, and saying what the model says. */
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { describeStatechart } from '../../../src/chart/index.js';
import { escapeHtml, formatDuration, formatTime, renderReportHtml } from '../../../src/report/render-html.js';
import { buildReportModel, type ReportModel } from '../../../src/report/report-model.js';
import { completedDryRun } from '../../support/journaled-runs.js';

const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
const SVG = '<svg width="10" height="10" viewBox="0 0 10 10"><g class="node visited"><title>idle</title></g></svg>';

async function model(reason = 'fine'): Promise<ReportModel> {
  const run = await completedDryRun(reason);
  return buildReportModel({
    graph: describeStatechart(runMachine), stored: run.stored, view: run.view, journal: run.journal, ledger: [],
    target: `PostgreSQL postgres://u:***@db/x?note=${HOSTILE}`, generatedAt: '2026-11-21T12:00:00.000Z',
  });
}

describe('renderReportHtml', () => {
  it('shows a hostile reason as text: no tag, no attribute it could smuggle in', async () => {
    const html = renderReportHtml(await model(HOSTILE), SVG);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
  });

  it('is one self-contained page: inline style and SVG, no script, nothing to fetch, a CSP that forbids fetching', async () => {
    const html = renderReportHtml(await model(), SVG);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<div class="chart">${SVG}</div>`);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|@import|@font-face|url\(|<[^>]*\s(?:src|href)=/i);
  });

  it('says what the model says: header, every timeline row, approvers, refusals', async () => {
    const m = await model();
    const html = renderReportHtml(m, SVG);
    expect(html).toContain(`<title>Cutter run ${m.header.runId}: completed</title>`);
    expect(html).toContain(`<code>${m.header.planHash}</code>`);
    for (const row of m.timeline) expect(html).toContain(`<code>${row.state}</code>`);
    expect(html.match(/<tr class="(?:error)?"><td class="num">/g)).toHaveLength(m.timeline.length);
    expect(html).toContain('<td>alice</td>');
    expect(html).toContain('<td>bob</td>');
    expect(html).toMatch(/<tr class="refused">.*<td>carol<\/td>.*E_APPROVAL_INVALID.*self-approval/);
    expect(html).toContain('No ledger entries for this change set.');
  });

  it('counts the transitions taken in words: 1 transition, 11 transitions', async () => {
    const m = await model();
    expect(renderReportHtml(m, SVG)).toContain('11 transitions taken, from the run&#39;s journal.');
    expect(renderReportHtml({ ...m, path: { ...m.path, steps: m.path.steps.slice(0, 1) } }, SVG)).toContain('1 transition taken, from the run&#39;s journal.');
  });

  it('is pure: the same model and chart give the same bytes', async () => {
    const m = await model();
    expect(renderReportHtml(m, SVG)).toBe(renderReportHtml(m, SVG));
  });
});

describe('formatting', () => {
  it('escapes the five characters that matter in HTML', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('formats durations for people', () => {
    expect([null, -1, 0, 999, 1000, 4250, 59_999, 185_000, 7_620_000, 273_600_000].map(formatDuration)).toEqual([
      '—', '—', '0 ms', '999 ms', '1.0 s', '4.3 s', '60.0 s', '3 min 5 s', '2 h 7 min', '3 d 4 h',
    ]);
  });

  it('formats instants in UTC, dropping the date on the run\'s first day', () => {
    expect(formatTime('2026-11-21T23:20:11.123Z')).toBe('<time datetime="2026-11-21T23:20:11.123Z" title="2026-11-21T23:20:11.123Z">2026-11-21 23:20:11.123 UTC</time>');
    expect(formatTime('2026-11-21T23:20:11.123Z', '2026-11-21')).toContain('>23:20:11.123</time>');
    expect(formatTime('2026-11-22T00:00:01.000Z', '2026-11-21')).toContain('>2026-11-22 00:00:01.000</time>');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('<b>not a time</b>')).toBe('&#60;b&#62;not a time&#60;/b&#62;');
  });
});
