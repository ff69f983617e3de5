import type { Run } from '../runner/create-run.js';
import { gateOfState, type RunView } from '../runner/run-view.js';
import type { Terminal } from './terminal.js';

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

/** Prints one line per state the run enters, plus what each phase produced. Returns an unsubscribe function. */
export function reportRunProgress(run: Run, terminal: Terminal): () => void {
  let last = '';
  const live = run.mode === 'LIVE';
  return run.subscribe((view) => {
    if (view.state === last) return;
    printPhaseResult(last, view, terminal);
    last = view.state;
    const describe = DESCRIPTIONS[view.state];
    if (describe !== undefined) terminal.line(`${terminal.dim('▸')} ${describe(live)}`);
  });
}

function printPhaseResult(left: string, view: RunView, terminal: Terminal): void {
  const { results, changeSet, approvals } = view.context;
  const detail = (text: string) => { terminal.line(`  ${terminal.dim('└')} ${text}`); };
  switch (left) {
    case 'precheck':
      if (results.precheck !== undefined) detail(`executor ${results.precheck.executor}; target ${results.precheck.target}; ${results.precheck.rowCount} rows planned`);
      break;
    case 'planning':
      if (changeSet !== null) detail(`change set ${changeSet.changeSetId}, plan hash ${changeSet.planHash}, ${changeSet.rowCount} rows`);
      break;
    case 'backingUp':
      if (results.backup !== undefined) detail(`backup ${results.backup.location} (${results.backup.bytes} bytes, sha256 ${results.backup.sha256.slice(0, 12)}…, verified ${results.backup.verified})`);
      break;
    case 'cutting':
      if (results.cut !== undefined) detail(`${results.cut.simulated ? 'would create' : 'created'} ${results.cut.created} IU drafts`);
      break;
    case 'recordingLedger':
      if (results.ledger !== undefined) detail(`ledger entry ${results.ledger.ledgerEntryId}, record hash ${results.ledger.recordHash.slice(0, 12)}…`);
      break;
    case 'verifying':
      if (results.verify !== undefined) detail(`${results.verify.actualCount}/${results.verify.expectedCount} rows, digest ${results.verify.ok ? 'matches' : 'DIFFERS'}`);
      break;
    case 'enacting':
      if (results.enact !== undefined) detail(`${results.enact.simulated ? 'would enact' : 'enacted'} ${results.enact.enacted}, superseding ${results.enact.supersededCount}; ${results.enact.lifecycleLogRows} lifecycle-log rows`);
      break;
    default: {
      const gate = gateOfState(left);
      const approval = gate === null ? undefined : approvals[gate];
      if (gate !== null && approval !== undefined) detail(`${gate} approved by ${approval.approver}: ${approval.reason}${approval.reviewDecisionId === undefined ? '' : ` (review decision ${approval.reviewDecisionId})`}`);
      break;
    }
  }
}
