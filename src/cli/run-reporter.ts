import type { Run } from '../runner/create-run.js';
import { gateOfState, type RunView } from '../runner/run-view.js';
import type { Terminal } from './terminal.js';
import type { BackupResult } from '../domain/results.js';
import type { EnactSummary } from '../../machines/run-types.js';
import { counted } from '../text/plural.js';
import { approvalsByGate } from '../text/refusal-lines.js';

/** What each state means to an operator, phrased for the mode. */
const DESCRIPTIONS: Readonly<Record<string, (live: boolean) => string>> = {
  precheck: () => 'precheck: checking the executor and target',
  planning: () => 'planning: pinning the change set',
  awaitingCutApproval: () => 'SG_1: waiting for approval of the cut',
  backingUp: (live) => (live ? 'preWriteBackup: taking and verifying a backup' : 'preWriteBackup: would take and verify a backup'),
  cutting: (live) => (live ? 'cutLegA: creating the IUs in one transaction' : 'cutLegA: would create the IUs in one transaction'),
  recordingLedger: (live) => (live ? 'legBRecord: recording the change set in the ledger' : 'legBRecord: would record the change set in the ledger'),
  verifying: () => 'writeVerify: reading back and comparing with the plan',
  awaitingEnactApproval: () => 'SG_2: waiting for approval of enactment',
  enacting: (live) => (live ? 'lifecycleEnact: enacting the drafts' : 'lifecycleEnact: would enact the drafts'),
  halted: () => 'halted: the kill switch stopped the run (resumable)',
  'torn.awaitingCompensationApproval': () => 'SG_3: torn, waiting for approval of compensation',
  'torn.compensating': () => 'compensating: undoing the change set',
};

/**
 * Prints one line per state the run enters, plus what each phase produced. Returns an unsubscribe function. A run
 * restored in the middle of a phase (its process stopped there; `cutter resume` carries it on) is already in that
 * phase when this subscribes, so that phase is printed first, saying it is carried on, and its result when it ends.
 */
export function reportRunProgress(run: Run, terminal: Terminal): () => void {
  let last = '';
  const live = run.mode === 'LIVE';
  const now = run.view();
  const inFlight = DESCRIPTIONS[now.state];
  if (now.status === 'active' && !now.parked && inFlight !== undefined) {
    terminal.line(`${terminal.dim('▸')} ${inFlight(live)} (carried on: the phase was in flight when its process stopped)`);
    last = now.state;
  }
  return run.subscribe((view) => {
    if (view.state === last) return;
    printPhaseResult(last, view, terminal);
    last = view.state;
    const describe = DESCRIPTIONS[view.state];
    if (describe !== undefined) terminal.line(`${terminal.dim('▸')} ${describe(live)}`);
  });
}

function printPhaseResult(left: string, view: RunView, terminal: Terminal): void {
  const { results, changeSet } = view.context;
  const detail = (text: string) => { terminal.line(`  ${terminal.dim('└')} ${text}`); };
  switch (left) {
    case 'precheck':
      if (results.precheck !== undefined) detail(`executor ${results.precheck.executor}; target ${results.precheck.target}; ${counted(results.precheck.rowCount, 'row')} planned`);
      break;
    case 'planning':
      if (changeSet !== null) detail(`change set ${changeSet.changeSetId}, plan hash ${changeSet.planHash}, ${counted(changeSet.rowCount, 'row')}`);
      break;
    case 'backingUp':
      if (results.backup !== undefined) detail(backupLine(results.backup));
      break;
    case 'cutting':
      if (results.cut !== undefined) detail(`${results.cut.simulated ? 'would create' : 'created'} ${counted(results.cut.created, 'IU draft')}`);
      break;
    case 'recordingLedger':
      if (results.ledger !== undefined) detail(`ledger entry ${results.ledger.ledgerEntryId}, record hash ${results.ledger.recordHash.slice(0, 12)}…`);
      break;
    case 'verifying':
      if (results.verify !== undefined) detail(`${results.verify.actualCount}/${counted(results.verify.expectedCount, 'row')}, digest ${results.verify.ok ? 'matches' : 'DIFFERS'}`);
      break;
    case 'enacting':
      if (results.enact !== undefined) detail(enactLine(results.enact));
      break;
    default: {
      const gate = gateOfState(left);
      // Every approval the gate counted (a quorum of two names both), once the gate opened.
      if (gate !== null && view.context.approvals[gate] !== undefined) {
        for (const { approval } of approvalsByGate(view.context).filter((a) => a.gate === gate)) {
          detail(`${gate} approved by ${approval.approver}: ${approval.reason}${approval.reviewDecisionId === undefined ? '' : ` (review decision ${approval.reviewDecisionId})`}`);
        }
      }
      break;
    }
  }
}

/**
 * `backup <location> (1,234 bytes, sha256 ab12…, read back and verified)`. An empty backup (a target with nothing in
 * it yet) says so, rather than "0 bytes … verified true", which reads like a failed dump.
 */
export function backupLine(backup: BackupResult): string {
  const checked = backup.verified ? 'read back and verified' : 'NOT verified';
  if (backup.bytes === 0) return `backup ${backup.location}: empty (the target held nothing to back up), ${checked}`;
  return `backup ${backup.location} (${counted(backup.bytes, 'byte')}, sha256 ${backup.sha256.slice(0, 12)}…, ${checked})`;
}

/**
 * `enacted 1 IU, superseded 1, retired 1; 3 lifecycle-log rows`: every kind of lifecycle change the phase made, so a
 * change set with retirements says so (each is one lifecycle-log row, like an enactment and a supersession).
 */
export function enactLine(enact: EnactSummary): string {
  const [enacted, superseded, retired] = enact.simulated ? ['would enact', 'would supersede', 'would retire'] : ['enacted', 'superseded', 'retired'];
  return `${enacted} ${counted(enact.enacted, 'IU')}, ${superseded} ${enact.supersededCount}, ${retired} ${enact.retiredCount ?? 0}; ${counted(enact.lifecycleLogRows, 'lifecycle-log row')}`;
}
