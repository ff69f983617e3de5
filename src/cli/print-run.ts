import type { Refusal } from '../../machines/run-types.js';
import type { NextStep } from '../policy/next-steps.js';
import { counted } from '../text/plural.js';
import { statusWordOf, type RunView } from '../runner/run-view.js';
import { outcomeHintFor } from './outcome-hints.js';
import { approvalsByGate, isGateWait, refusalLine } from '../text/refusal-lines.js';
import type { Terminal } from './terminal.js';

/** How many of a run's refusals `status` prints: the most recent ones. */
export const SHOWN_REFUSALS = 3;

const GATE_OPTION = { SG_1: 'cut', SG_2: 'enact', SG_3: 'compensate' } as const;

/** What an operator can do next with a run in this state. */
export function nextSteps(view: RunView): string[] {
  const id = view.context.runId;
  if (view.gate !== null) {
    const gate = GATE_OPTION[view.gate];
    const review = view.gate === 'SG_2' ? ' --review-decision <id>' : '';
    return [
      `cutter approve ${id} --gate ${gate} --as <approver> --key <private key file> --reason "<why>"${review}`,
      `cutter reject ${id} --gate ${gate} --as <name> --reason "<why>"`,
    ];
  }
  if (view.state === 'stranded') return [`cutter cancel ${id} --as <name> --reason "<why>"   (to SG_3 for compensation if it may have written; it cannot continue under this release)`];
  if (view.state === 'halted') return [`cutter resume ${id} --as <name>   (with the kill switch ON)`, `cutter escalate ${id} --as <name> --reason "<why>"`];
  if (view.status === 'active') return [`cutter resume ${id}   (continues the phase that was in flight)`];
  // An ended run takes no more commands; what is left is to read what happened (and, when it did not complete, to
  // start again once the hint's cause is fixed).
  return [`cutter report ${id}   (what the run did, with its journal and approvals)`, `cutter status ${id} --journal`];
}

/** What status leaves out, counted by kind: `1 earlier refusal`, `2 earlier waits`, `1 earlier refusal and 2 waits`. */
function earlierNotShown(hidden: readonly Refusal[]): string {
  const waits = hidden.filter(isGateWait).length;
  if (waits === 0) return counted(hidden.length, 'earlier refusal');
  if (waits === hidden.length) return counted(waits, 'earlier wait');
  return `${counted(hidden.length - waits, 'earlier refusal')} and ${counted(waits, 'wait')}`;
}

/** A short report of where a run is: state, change set, results, refusals, error, and the next steps. */
export function printRun(view: RunView, terminal: Terminal): void {
  const { context } = view;
  const status = statusWordOf(view);
  terminal.line(`${terminal.bold('run')}        ${context.runId} (${context.mode}, started by ${context.initiator})`);
  terminal.line(`${terminal.bold('state')}      ${view.state} ${terminal.dim(`[${status}]`)}`);
  if (context.changeSet !== null) terminal.line(`${terminal.bold('change set')} ${context.changeSet.changeSetId}, ${counted(context.changeSet.rowCount, 'row')}, plan hash ${context.changeSet.planHash}`);
  if (context.committed.length > 0) {
    // A DRYRUN writes nothing: its simulator only says what a LIVE run would commit.
    terminal.line(context.mode === 'DRYRUN' ? `${terminal.bold('would commit')} ${context.committed.join(', ')} ${terminal.dim('(DRYRUN: nothing was written)')}` : `${terminal.bold('committed')}  ${context.committed.join(', ')}`);
  }
  for (const { gate, approval } of approvalsByGate(context)) terminal.line(`${terminal.bold(gate)}       approved by ${approval.approver}: ${approval.reason}`);
  // The last few records say why the run stands where it does; the rest are counted, never dropped without a word.
  const earlier = context.refusals.slice(0, -SHOWN_REFUSALS);
  if (earlier.length > 0) {
    terminal.line(`${terminal.yellow('refused')}    ${terminal.dim(`${earlierNotShown(earlier)} not shown (all of them: cutter status ${context.runId} --json, or cutter report ${context.runId})`)}`);
  }
  const shown = context.refusals.slice(-SHOWN_REFUSALS);
  shown.forEach((refusal, i) => {
    const { label, text } = refusalLine(refusal, i === shown.length - 1, view.gate);
    terminal.line(`${terminal.yellow(label)}${' '.repeat(11 - label.length)}${text}`);
  });
  if (context.error !== null) terminal.line(`${terminal.red('error')}      ${context.error.code}: ${context.error.message}`);
  if (context.tornReason !== null) terminal.line(`${terminal.red('torn')}       ${context.tornReason}`);
  const hint = hintOf(view);
  if (hint !== null) terminal.line(`${terminal.dim('hint:')} ${hint}`);
  const steps = nextSteps(view);
  if (steps.length > 0) {
    terminal.line(terminal.dim('next:'));
    for (const step of steps) terminal.line(`  ${step}`);
  }
}

/**
 * What to do about a run that did not get where it was asked to go: the hint of the error it ended or halted on (or
 * its last refusal), with its id filled in. Null for a run that completed or waits at a gate with nothing refused.
 */
export function hintOf(view: RunView): string | null {
  const status = view.output?.status;
  if (status === 'completed') return null;
  // A person ended it: an earlier refusal on the way (kill switch OFF at SG_1) is not what to act on now.
  if (status === 'rejected' || status === 'cancelled') return `The run ended ${status}; plan again and start a new run if the change is still wanted.`;
  const code = view.context.error?.code ?? (view.parked || status !== undefined ? view.context.refusals.at(-1)?.code : undefined);
  const standing = view.state === 'halted' ? 'halted' : status !== undefined ? 'ended' : 'parked';
  return code === undefined ? null : outcomeHintFor(code, standing).replaceAll('<run>', view.context.runId);
}

/** The plain-JSON form of a run for `--json`. */
export function runJson(view: RunView): Record<string, unknown> {
  return { runId: view.context.runId, state: view.state, status: statusWordOf(view), gate: view.gate, context: view.context, output: view.output, next: nextSteps(view) };
}

/** What a parked run can do next, and what each step still needs (see `nextStepsOf`). */
export function printNextSteps(next: readonly NextStep[], terminal: Terminal): void {
  if (next.length > 0) terminal.line(terminal.bold('needs (each step the run accepts, and what stands in its way)'));
  for (const step of next) {
    terminal.line(`  ${step.event.padEnd(11)}${step.leadsTo.length === 0 ? '' : ` → ${step.leadsTo.join(' | ')}`}`);
    for (const needed of step.needs) terminal.line(`    ${terminal.dim('·')} ${needed}`);
  }
}
