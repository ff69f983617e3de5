/** The report's model: built purely from a stored run, its journal and the ledger. */
import { describe, expect, it } from 'vitest';
import { runMachine } from '../../../machines/run-machine.js';
import { describeStatechart } from '../../../src/chart/index.js';
import { GENESIS_HASH, ledgerRecordHash, type LedgerEntry } from '../../../src/domain/ledger-chain.js';
import { buildReportModel, type ReportInput } from '../../../src/report/report-model.js';
import { phaseSummary } from '../../../src/report/phase-timeline.js';
import { compensatedDryRun, completedDryRun, haltedAndResumedLiveRun, type JournaledRun } from '../../support/journaled-runs.js';

const graph = describeStatechart(runMachine);

/** A valid chain: a kill-switch record, then one record per change set id given. */
function chain(changeSetIds: readonly string[]): ReportInput['ledger'] {
  const entries: LedgerEntry[] = [
    { kind: 'kill-switch', changeSetId: null, payload: { enabled: true } },
    ...changeSetIds.map((id) => ({ kind: 'change-set' as const, changeSetId: id, payload: { rows: 3 } })),
  ];
  let prevHash = GENESIS_HASH;
  return entries.map((entry, i) => {
    const recordHash = ledgerRecordHash(prevHash, entry);
    const record = { ...entry, seq: i + 1, prevHash, recordHash, recordedAt: `2026-11-21T10:00:0${i}.000Z` };
    prevHash = recordHash;
    return record;
  });
}

const inputOf = (run: JournaledRun, ledger: ReportInput['ledger'] = []): ReportInput => ({
  graph, stored: run.stored, view: run.view, journal: run.journal, ledger, target: 'embedded database in /tmp/x', generatedAt: '2026-11-21T12:00:00.000Z',
});

describe('buildReportModel', () => {
  it('heads the report with the run, its mode, target, final state, status and plan hash', async () => {
    const run = await completedDryRun();
    const { header } = buildReportModel(inputOf(run));
    expect(header).toMatchObject({
      runId: run.stored.runId, mode: 'DRYRUN', target: 'embedded database in /tmp/x', initiator: 'carol', state: 'completed',
      status: 'completed', planHash: run.stored.planHash, changeSetId: run.view.context.changeSet?.changeSetId, rowCount: 3, error: null, tornReason: null,
    });
  });

  it('has one timeline row per stay, each phase with its rows and result, each gate with how it was left', async () => {
    const model = buildReportModel(inputOf(await completedDryRun()));
    expect(model.timeline.map((r) => [r.state, r.kind, r.name, r.outcome, r.rows])).toEqual([
      ['precheck', 'phase', 'precheck', 'done', 3],
      ['planning', 'phase', 'planning', 'done', 3],
      ['awaitingCutApproval', 'gate', 'SG_1', 'approved', null],
      ['backingUp', 'phase', 'backup', 'done', null],
      ['cutting', 'phase', 'cut', 'done', 3],
      ['recordingLedger', 'phase', 'ledger', 'done', 1],
      ['verifying', 'phase', 'verify', 'done', 3],
      ['awaitingEnactApproval', 'gate', 'SG_2', 'approved', null],
      ['enacting', 'phase', 'enact', 'done', 3],
      ['completed', 'final', null, 'ended', null],
    ]);
    for (const [i, row] of model.timeline.entries()) {
      if (row.end !== null) expect(row.durationMs).toBe(Date.parse(row.end) - Date.parse(row.start));
      const next = model.timeline[i + 1];
      if (next !== undefined) expect(next.start).toBe(row.end);
    }
    expect(model.timeline.find((r) => r.name === 'verify')?.detail).toBe('3 of 3 rows read back; digest matches');
  });

  it('lists approvals with who, when and why, and pairs a refused one with the refusal', async () => {
    const run = await completedDryRun('<script>alert(1)</script>');
    const { decisions } = buildReportModel(inputOf(run));
    expect(decisions.map((d) => [d.action, d.gate, d.who, d.refusal?.code ?? null])).toEqual([
      ['approve', 'SG_1', 'carol', 'E_APPROVAL_INVALID'],
      ['approve', 'SG_1', 'alice', null],
      ['approve', 'SG_2', 'bob', null],
    ]);
    expect(decisions[0]).toMatchObject({ reason: '<script>alert(1)</script>', refusal: { gate: 'SG_1', reason: expect.stringContaining('self-approval') } });
    expect(decisions[2]).toMatchObject({ reason: 'bob reviewed the change set', reviewDecisionId: 'RD-2026-042', signedAt: expect.any(String) });
    expect(JSON.stringify(decisions)).not.toContain('signature');
  });

  it('records rejections, refused resumes (a lock\'s refusal) and resumes as decisions', async () => {
    const torn = buildReportModel(inputOf(await compensatedDryRun()));
    expect(torn.header).toMatchObject({ state: 'compensated', status: 'compensated', tornReason: 'enactment was rejected at SG_2' });
    expect(torn.decisions.map((d) => [d.action, d.gate, d.who])).toEqual([['approve', 'SG_1', 'alice'], ['reject', 'SG_2', 'bob'], ['approve', 'SG_3', 'erin']]);
    expect(torn.decisions[1]?.reason).toBe('the review found a typo');
    expect(torn.timeline.map((r) => r.state).slice(-3)).toEqual(['torn.awaitingCompensationApproval', 'torn.compensating', 'compensated']);
    expect(torn.timeline.find((r) => r.name === 'compensate')).toMatchObject({ outcome: 'done', rows: 2, detail: '2 drafts retired (never enacted), 0 enacted versions retired, 0 earlier versions enacted again' });

    const halted = buildReportModel(inputOf(await haltedAndResumedLiveRun()));
    expect(halted.decisions.map((d) => [d.action, d.who, d.refusal?.gate ?? null])).toEqual([
      ['approve', 'alice', null], ['refusal', null, 'kill-switch'], ['resume', 'dave', 'kill-switch'], ['resume', 'dave', null], ['approve', 'bob', null],
    ]);
    expect(halted.timeline.filter((r) => r.state === 'halted')).toMatchObject([{ kind: 'parked', outcome: 'resumed' }]);
  });

  it('shows the ledger entries of the run\'s change set only, and whether the whole chain verifies', async () => {
    const run = await completedDryRun();
    const id = run.view.context.changeSet?.changeSetId ?? '';
    const ledger = chain(['cs-other', id]);
    const model = buildReportModel(inputOf(run, ledger));
    expect(model.ledger.entries).toEqual([{ seq: 3, kind: 'change-set', hashPrefix: ledger[2]?.recordHash.slice(0, 16), recordedAt: '2026-11-21T10:00:02.000Z' }]);
    expect(model.ledger.chain).toMatchObject({ ok: true, records: 3 });

    const tampered = ledger.map((r) => (r.seq === 2 ? { ...r, payload: { rows: 4 } } : r));
    expect(buildReportModel(inputOf(run, tampered)).ledger.chain).toMatchObject({ ok: false, seq: 2 });
  });

  it('carries no IU body anywhere', async () => {
    const model = buildReportModel(inputOf(await completedDryRun()));
    expect(JSON.stringify(model)).not.toContain('Body of section');
  });
});

describe('phaseSummary', () => {
  it('reads a phase\'s journalled output defensively', () => {
    expect(phaseSummary('cut', { created: 5 })).toEqual({ rows: 5, detail: '5 IU versions created as drafts' });
    expect(phaseSummary('verify', { ok: false, actualCount: 2, expectedCount: 3 })).toEqual({ rows: 2, detail: '2 of 3 rows read back; MISMATCH' });
    expect(phaseSummary('backup', { verified: false, location: 'dump-1.dump', bytes: 10 }).detail).toBe('NOT verified backup at dump-1.dump, 10 bytes');
    expect(phaseSummary('enact', null)).toEqual({ rows: null, detail: '? IUs enacted, ? superseded' });
    expect(phaseSummary('nonsense', { created: 1 })).toEqual({ rows: null, detail: '' });
  });
});
