/**
 * What the report adds to the bare run (issue 18): the change set's addresses, approval expiry times, the kill-switch
 * records made while the run existed, a mark where a phase's process died and another picked the run up, and words
 * and colours that say what happened (plurals, a compensated run in amber, a rejection never "accepted" in green).
 */
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { describeStatechart } from '../../../src/chart/index.js';
import { GENESIS_HASH, ledgerRecordHash, type LedgerEntry } from '../../../src/domain/ledger-chain.js';
import { renderReportHtml } from '../../../src/report/render-html.js';
import { buildReportModel, type ReportInput } from '../../../src/report/report-model.js';
import { phaseSummary } from '../../../src/report/phase-timeline.js';
import { compensatedDryRun, completedDryRun, quorumDryRun, type JournaledRun } from '../../support/journaled-runs.js';
import { samplePlan } from '../../support/fixtures.js';

const graph = describeStatechart(runMachine);

/** A valid ledger chain of `entries`, each recorded at the instant given beside it. */
function ledgerOf(entries: readonly (LedgerEntry & { at: string })[]): ReportInput['ledger'] {
  let prevHash = GENESIS_HASH;
  return entries.map(({ at, ...entry }, i) => {
    const recordHash = ledgerRecordHash(prevHash, entry);
    const record = { ...entry, seq: i + 1, prevHash, recordHash, recordedAt: at };
    prevHash = recordHash;
    return record;
  });
}

const inputOf = (run: JournaledRun, extra: Partial<ReportInput> = {}): ReportInput => ({
  graph, stored: run.stored, view: run.view, journal: run.journal, ledger: [], target: 'embedded database in /tmp/x', generatedAt: new Date().toISOString(), ...extra,
});

/** The run's journal with a restore (another process, `by`) spliced in while the cut was in flight. */
function crashedDuringCut(run: JournaledRun, by: string): JournaledRun {
  const done = run.journal.findIndex((e) => e.event.type === 'xstate.done.actor.cut');
  const before = run.journal[done - 1];
  const after = run.journal[done];
  if (before === undefined || after === undefined) throw new Error('no cut in this journal');
  const at = new Date((Date.parse(before.at) + Date.parse(after.at)) / 2).toISOString();
  const restored = { seq: before.seq + 0.5, at, event: { type: 'cutter.restored', pid: 4242, by } };
  return { ...run, journal: [...run.journal.slice(0, done), restored, ...run.journal.slice(done)] };
}

describe('the report, beyond the bare run', () => {
  it('splits a phase whose process died into an interrupted row and its continuation, naming who picked it up, and marks the header', async () => {
    const run = crashedDuringCut(await completedDryRun(), 'dave');
    const model = buildReportModel(inputOf(run));
    const cut = model.timeline.filter((r) => r.name === 'cut');
    expect(cut.map((r) => r.outcome)).toEqual(['interrupted', 'done']);
    expect(cut[0]?.detail).toContain('dave (pid 4242) restored the run');
    expect(cut[1]?.detail).toMatch(/^continued by dave \(pid 4242\); /);
    expect(cut[0]?.end).toBe(cut[1]?.start);
    expect(model.header.interruptions).toBe(1);
    const html = renderReportHtml(model, '<svg></svg>');
    expect(html).toContain('id="interrupted"');
    expect(html).toContain('<span class="outcome warn">interrupted</span>');

    // A restore at a gate is a command acting on a parked run, not a crash: no split there.
    const plain = buildReportModel(inputOf(await completedDryRun()));
    expect(plain.header.interruptions).toBe(0);
  });

  it('shows each approval\'s expiry, and a rejection as the run stopping, in red, never "accepted" in green', async () => {
    const run = await compensatedDryRun();
    const model = buildReportModel(inputOf(run));
    const approvals = model.decisions.filter((d) => d.action === 'approve');
    expect(approvals.every((d) => d.expiresAt !== null && Date.parse(d.expiresAt) > Date.parse(d.signedAt ?? ''))).toBe(true);
    const html = renderReportHtml(model, '<svg></svg>');
    expect(html).toContain('<th>Expires (UTC)</th>');
    const rejection = html.split('</tr>').find((row) => row.includes('<td>reject</td>')) ?? '';
    expect(rejection).toContain('<span class="outcome bad">rejected: the run stops here</span>');
    expect(rejection).not.toContain('accepted');
    // Compensated: the undoing worked, the change did not happen. Amber, not the green of a completed run.
    expect(html).toContain('<span class="badge warn" id="run-status">compensated</span>');
    expect(renderReportHtml(buildReportModel(inputOf(await completedDryRun())), '<svg></svg>')).toContain('<span class="badge ok" id="run-status">completed</span>');
  });

  it('shows a gate\'s wait as `status` does: "waiting" while the run waits there, "waited" once it opened, never "refused"', async () => {
    const approvalRow = (html: string, who: string) => html.split('</tr>').find((row) => row.includes(`<td>${who}</td>`)) ?? '';
    const wait = 'E_APPROVAL_QUORUM: SG_1 needs 2 approvals, has 1 (alice); 1 more from bob or erin';

    const waiting = buildReportModel(inputOf(await quorumDryRun(false)));
    expect(waiting.decisions.map((d) => [d.action, d.who, d.refusal?.label ?? null])).toEqual([['approve', 'alice', 'waiting']]);
    const waitingRow = approvalRow(renderReportHtml(waiting, '<svg></svg>'), 'alice');
    expect(waitingRow).toContain(`<span class="outcome warn">waiting</span> ${wait}</td>`);
    expect(waitingRow).not.toMatch(/refused|class="refused"|\(policy\)|E_APPROVAL_QUORUM<\/code> E_APPROVAL_QUORUM/);

    const opened = buildReportModel(inputOf(await quorumDryRun(true)));
    expect(opened.decisions.map((d) => [d.action, d.who, d.refusal?.label ?? null])).toEqual([['approve', 'alice', 'waited'], ['approve', 'bob', null]]);
    const html = renderReportHtml(opened, '<svg></svg>');
    expect(approvalRow(html, 'alice')).toContain(`<span class="outcome warn">waited</span> ${wait}</td>`);
    expect(approvalRow(html, 'bob')).toContain('<span class="outcome ok">accepted</span>');
    // A real refusal still reads as one.
    expect(buildReportModel(inputOf(await completedDryRun())).decisions[0]?.refusal?.label).toBe('refused');
  });

  it('lists the kill-switch records made while the run existed, and only those', async () => {
    const run = await completedDryRun();
    const before = new Date(Date.parse(run.stored.createdAt) - 60_000).toISOString();
    const during = new Date((Date.parse(run.stored.createdAt) + Date.parse(run.stored.updatedAt)) / 2).toISOString();
    const after = new Date(Date.parse(run.stored.updatedAt) + 60_000).toISOString();
    const ledger = ledgerOf([
      { kind: 'kill-switch', changeSetId: null, payload: { enabled: true, by: 'ops', reason: 'window opens' }, at: before },
      { kind: 'kill-switch', changeSetId: null, payload: { enabled: false, by: 'erin', reason: 'incident <b>7</b>' }, at: during },
      { kind: 'kill-switch', changeSetId: null, payload: { enabled: true, by: 'ops', reason: 'later' }, at: after },
    ]);
    const model = buildReportModel(inputOf(run, { ledger }));
    expect(model.killSwitch).toEqual([{ seq: 2, recordedAt: during, enabled: false, by: 'erin', reason: 'incident <b>7</b>' }]);
    const html = renderReportHtml(model, '<svg></svg>');
    expect(html).toContain('<span class="outcome bad">OFF</span>');
    expect(html).toContain('incident &#60;b&#62;7&#60;/b&#62;');
    expect(renderReportHtml(buildReportModel(inputOf(run)), '<svg></svg>')).toContain('was not turned on or off while this run existed');
  });

  it('lists the change set\'s addresses with their actions, counted, and says how many more a huge one has', async () => {
    const run = await completedDryRun();
    const plan = samplePlan(3);
    const model = buildReportModel(inputOf(run, { plan }));
    expect(model.addresses).toEqual({ total: 3, rows: plan.rows.map((r) => ({ address: r.address, action: null })) });
    const html = renderReportHtml(model, '<svg></svg>');
    expect(html).toContain('Addresses in the change set (3 addresses)');
    for (const row of plan.rows) expect(html).toContain(`<code>${row.address}</code>`);
    expect(html).not.toContain(plan.rows[0]?.body ?? '');
    const huge = buildReportModel(inputOf(run, { plan: samplePlan(2_003) }));
    expect(huge.addresses?.rows).toHaveLength(2_000);
    expect(renderReportHtml(huge, '<svg></svg>')).toContain('3 more addresses not listed');
    expect(buildReportModel(inputOf(run)).addresses).toBeNull();
  });

  it('counts in words: one row, one IU draft; an empty backup is called empty, not "0 bytes verified"', () => {
    expect(phaseSummary('cut', { created: 1 }).detail).toBe('1 IU version created as drafts');
    expect(phaseSummary('verify', { ok: true, actualCount: 1, expectedCount: 1 }).detail).toBe('1 of 1 row read back; digest matches');
    expect(phaseSummary('backup', { verified: true, location: 'snapshot s1', bytes: 0 }).detail).toBe('verified backup at snapshot s1: empty (the target held nothing to back up)');
    expect(phaseSummary('backup', { verified: true, location: 'd.sql', bytes: 1 }).detail).toBe('verified backup at d.sql, 1 byte');
    expect(phaseSummary('compensate', { removedDrafts: 1, retired: 0, reEnacted: 0 }).detail).toBe('1 draft retired (never enacted), 0 enacted versions retired, 0 earlier versions enacted again');
  });
});
