import type { Command } from 'commander';
import { signApproval } from '../../approvals/index.js';
import type { Approval, Gate } from '../../domain/approval.js';
import { gateRequirements } from '../../policy/evaluate.js';
import { durationSeconds } from '../../policy/policy.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { readApproverKeyFile } from '../approver-key-file.js';
import { parseGate, readOptionFile, required } from '../command-options.js';
import { InvalidEvent, InvalidInput } from '../../errors/index.js';
import { approvalClaimsFor } from '../../runner/approval-claims.js';
import type { Run } from '../../runner/create-run.js';
import { restoreRun } from '../../runs/durable-run.js';
import { findRun } from '../../runs/run-store.js';
import { exitCodeForRefusal, exitCodeForView, ExitCode } from '../exit-codes.js';
import { outcomeHintFor } from '../outcome-hints.js';
import { codedReason, isGateWait } from '../../text/refusal-lines.js';
import { withInspectOptions, withInspector, type InspectOptions } from '../inspect-option.js';
import { printRun, runJson } from '../print-run.js';
import { reportRunProgress } from '../run-reporter.js';
import { withRunSession, type RunSession, type SessionOptions } from '../run-session.js';
import { planAgainstTarget } from '../plan-against-target.js';
import { waitMsOf, withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';


/** Why a command did not move the run: a refusal's code and reason. */
interface Refusal {
  readonly code: string;
  readonly reason: string;
}

interface ControlOptions extends SessionOptions, InspectOptions {
  readonly as?: string;
  readonly reason?: string;
  readonly gate?: string;
  readonly key?: string;
  readonly reviewDecision?: string;
  readonly expiresIn?: string;
  readonly notBefore?: string;
  readonly file?: string;
  readonly json: boolean;
}


function gateOf(option: string | undefined): Gate {
  return parseGate(required(option, 'gate'));
}

/** An approval file (from `cutter approval sign`), parsed as JSON; the gate's guard checks everything else. */
async function approvalFromFile(path: string, gate: string | undefined): Promise<Approval> {
  const text = await readOptionFile(path, 'file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInput('file', `the approval ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidInput('file', `${path} is not an approval: it must hold one JSON object (from cutter approval sign)`);
  }
  const approval = parsed as Approval;
  if (gate !== undefined && approval.gate !== parseGate(gate)) throw new InvalidInput('gate', `the approval in ${path} is for ${approval.gate as string}, not ${parseGate(gate)}`);
  return approval;
}

/** What `approve` was given, read and checked before the run is restored. */
type ApprovalInputs =
  | { readonly kind: 'file'; readonly approval: Approval }
  | { readonly kind: 'sign'; readonly gate: Gate; readonly approver: string; readonly reason: string; readonly key: string; readonly ttlMs?: number; readonly notBefore?: string };

async function approvalInputs(options: ControlOptions): Promise<ApprovalInputs> {
  if (options.file !== undefined) return { kind: 'file', approval: await approvalFromFile(options.file, options.gate) };
  const gate = gateOf(options.gate);
  const approver = required(options.as, 'as');
  const reason = required(options.reason, 'reason');
  const notBefore = options.notBefore === undefined ? undefined : new Date(options.notBefore);
  if (notBefore !== undefined && Number.isNaN(notBefore.getTime())) throw new InvalidInput('not-before', 'must be an ISO instant such as 2026-12-07T09:00:00+01:00');
  const ttlMs = options.expiresIn === undefined ? undefined : durationMs(options.expiresIn);
  const key = await readApproverKeyFile(required(options.key, 'key'));
  return { kind: 'sign', gate, approver, reason, key, ...(ttlMs === undefined ? {} : { ttlMs }), ...(notBefore === undefined ? {} : { notBefore: notBefore.toISOString() }) };
}

/** `1h`, `30m`, `2d` → milliseconds. */
function durationMs(text: string): number {
  const seconds = durationSeconds(text);
  if (seconds === null || seconds <= 0) throw new InvalidInput('expires-in', 'must look like 30m, 1h or 2d');
  return seconds * 1000;
}

/** What the target holds at a DRYRUN run's addresses, so its simulator predicts what a LIVE run would do there. */
async function dryRunTarget(session: RunSession, runId: string) {
  const plan = (await session.store.load(runId))?.plan ?? null;
  // A target it cannot read (or another run's drafts there) only makes the prediction less exact, never the command fail.
  return plan === null ? undefined : planAgainstTarget(session.target, plan, {}).then((c) => c.target, () => undefined);
}

/**
 * Restores a stored run in this process, holding it for the whole command (one writer per run: another command on
 * the same run is refused with E_RUN_BUSY, or waits with --wait), applies `act`, carries the run to its next stop,
 * reports, and gives the run back.
 */
async function control(command: string, runId: string, options: ControlOptions, terminal: Terminal, setExit: (code: ExitCode) => void, act: (run: Run, session: RunSession) => Promise<Refusal | null>): Promise<void> {
  await withRunSession(options, (session) => withInspector(options, terminal, async (inspector) => {
    const stored = await findRun(session.store, runId);
    const mode = stored?.run.mode ?? 'DRYRUN';
    const run = await restoreRun({
      store: session.store, runId, approvals: session.policy, executor: session.executorFor(mode, mode === 'DRYRUN' ? await dryRunTarget(session, runId) : undefined),
      killSwitch: session.killSwitch, logger: session.logger,
      hold: { command: `cutter ${command}`, waitMs: waitMsOf(options.wait) },
      ...(options.as === undefined ? {} : { restoredBy: options.as }),
      ...(inspector === null ? {} : { inspect: inspector.inspect }),
    });
    const stop = options.json ? () => undefined : reportRunProgress(run, terminal);
    let refusal: Refusal | null;
    let view;
    const before = run.view().context.refusals.length;
    try {
      refusal = await act(run, session);
      view = await run.settled();
    } finally {
      stop();
      await run.release();
    }
    // What the policy still waits for, if the command left the run at a gate it did not open (journalled as a refusal of `policy`).
    const added = view.context.refusals.slice(before);
    const waits = added.filter((r) => r.gate === 'policy').at(-1) ?? null;
    // A resume that left the run where it was (the policy still waits, the kill switch is OFF) did nothing: it is
    // refused, with the code of why, never an exit 0 a script would take for progress.
    const stayed = added.at(-1);
    if (command === 'resume' && refusal === null && stayed !== undefined && view.parked) refusal = { code: stayed.code, reason: stayed.reason };
    if (options.json) terminal.line(JSON.stringify({ ...runJson(view), refusal: refusal === null ? null : `${refusal.code}: ${refusal.reason}`, waits }, null, 2));
    else {
      if (refusal !== null) {
        // A resume that left the run waiting at its gate was refused (exit 4), but what it met is a wait, not a refusal.
        const label = isGateWait({ gate: 'policy', code: refusal.code }) && stayed?.gate === 'policy' ? terminal.yellow('waiting') : terminal.red('refused');
        terminal.error(`${label} ${codedReason(refusal)}`);
        terminal.error(`${terminal.dim('hint:')} ${outcomeHintFor(refusal.code, view.state === 'halted' ? 'halted' : 'parked').replaceAll('<run>', runId)}`);
      }
      if (waits !== null && refusal === null) terminal.error(`${terminal.yellow('waiting')} ${command === 'approve' ? 'the approval was taken; ' : ''}${codedReason(waits)}`);
      printRun(view, terminal);
    }
    // A refusal exits with its code's exit (4 for every refusal); otherwise by where the run is: an approval that
    // halted the run (kill switch OFF at SG_2) is 4 as well, never 0.
    setExit(refusal !== null ? exitCodeForRefusal(refusal.code) : exitCodeForView(view));
  }));
}

/** Registers approve, reject, cancel, resume and escalate: each acts on a stored run from any process. */
export function registerRunControl(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const common = (command: Command) =>
    withInspectOptions(withTargetOptions(command))
      .option('--config <file>', 'configuration file (approvers, backup); default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
      .option('--json', 'print the run as JSON', false);

  common(program.command('approve').description('sign and give an approval at the gate a stored run waits at (or apply one signed elsewhere, --file); once the policy is met the run continues to its next stop').argument('<run>', 'run id'))
    .option('--gate <gate>', 'cut (SG_1), enact (SG_2) or compensate (SG_3)')
    .option('--file <approval>', 'apply an approval signed elsewhere (cutter approval sign); no key needed here')
    .option('--as <approver>', 'the approver, as named in the configuration')
    .option('--key <file>', "the approver's Ed25519 private key (PEM), from `cutter keys generate`")
    .option('--reason <text>', 'why this is approved (recorded)')
    .option('--review-decision <id>', 'the review decision this enactment carries out (required for enact)')
    .option('--expires-in <duration>', "how long the approval stays valid (default: the policy's lifetime for the gate, 24h unless set)")
    .option('--not-before <instant>', 'the approval counts only from this ISO instant (bound in its signature)')
    .action(async (runId: string, options: ControlOptions) => {
      // Every input is read and checked before the run is restored: a bad key or approval file, a missing --as or a
      // malformed --not-before is refused with nothing restored, journalled or written.
      const given = await approvalInputs(options);
      await control('approve', runId, options, terminal, setExit, (run, session) => {
        let approval: Approval;
        if (given.kind === 'file') approval = given.approval;
        else {
          const view = run.view();
          const lifetime = gateRequirements(resolvePolicy(session.policy).document, given.gate, []).defaultLifetimeSeconds * 1000;
          const claims = approvalClaimsFor(view, {
            gate: given.gate, approver: given.approver, reason: given.reason, ttlMs: given.ttlMs ?? lifetime,
            ...(options.reviewDecision === undefined ? {} : { reviewDecisionId: options.reviewDecision }),
            ...(given.notBefore === undefined ? {} : { notBefore: given.notBefore }),
            ...(view.context.policyHash === null ? {} : { policyHash: view.context.policyHash }),
          });
          approval = signApproval(claims, given.key);
        }
        const outcome = run.approve(approval);
        // A run that takes no approval now (ended, at no gate) is the command's mistake, not a gate's refusal: exit 3
        // with the invalid-event hint, as every other event the run cannot take.
        if (!outcome.accepted && outcome.code === 'E_INVALID_EVENT') throw new InvalidEvent('type', outcome.reason);
        return Promise.resolve(outcome.accepted ? null : { code: outcome.code, reason: outcome.reason });
      });
    });

  common(program.command('reject').description('say no at the gate a stored run waits at (at SG_2 or SG_3 the run is torn, not silently ended)').argument('<run>', 'run id'))
    .option('--gate <gate>', 'cut, enact or compensate')
    .option('--as <name>', 'who rejects')
    .option('--reason <text>', 'why')
    .action((runId: string, options: ControlOptions) => {
      // Options are checked before the run is restored: a missing one journals nothing.
      const [gate, as, reason] = [gateOf(options.gate), required(options.as, 'as'), required(options.reason, 'reason')];
      return control('reject', runId, options, terminal, setExit, (run) => { run.reject(gate, as, reason); return Promise.resolve(null); });
    });

  common(program.command('cancel').description('cancel a stored run (after a commit it is torn and goes to SG_3)').argument('<run>', 'run id'))
    .option('--as <name>', 'who cancels')
    .option('--reason <text>', 'why')
    .action((runId: string, options: ControlOptions) => {
      const [as, reason] = [required(options.as, 'as'), required(options.reason, 'reason')];
      return control('cancel', runId, options, terminal, setExit, (run) => { run.cancel(as, reason); return Promise.resolve(null); });
    });

  common(program.command('resume').description('continue a stored run: a halted run resumes (kill switch ON), a run whose process died continues its phase, a run at a gate has its approval policy checked again (a window opened)').argument('<run>', 'run id'))
    .option('--as <name>', 'who resumes', process.env.USER ?? 'operator')
    .action((runId: string, options: ControlOptions) =>
      control('resume', runId, options, terminal, setExit, (run) => {
        const view = run.view();
        if (view.state === 'halted' || (view.gate !== null && view.status === 'active')) run.resume(required(options.as, 'as'));
        else if (view.state === 'idle') run.start();
        // A run parked at a gate or ended has nothing to resume (a run whose phase was in flight goes on by being
        // restored; a stranded run is shown, with why it cannot go on): say so rather than exit 0 having done nothing.
        else if (view.state !== 'stranded' && (view.parked || view.status !== 'active')) {
          throw new InvalidEvent('type', `there is nothing to resume: the run is ${view.status === 'active' ? `parked at ${view.gate ?? view.state}` : `ended (${view.output?.status ?? view.state})`}`);
        }
        return Promise.resolve(null);
      }));

  const policy = program.command('policy').description("the approval policy a run is judged by");
  common(policy.command('bind').description('bind a parked run to the approval policy now in force (journalled, with who and why): it was created under another').argument('<run>', 'run id'))
    .option('--as <name>', 'who binds it')
    .option('--reason <text>', 'why the run may be judged by the new policy')
    .action((runId: string, options: ControlOptions) => {
      const [as, reason] = [required(options.as, 'as'), required(options.reason, 'reason')];
      return control('policy bind', runId, options, terminal, setExit, (run) => {
        const before = run.view().context.refusals.length;
        run.bindPolicy(as, reason);
        const refused = run.view().context.refusals.slice(before).find((r) => r.code === 'E_POLICY_CHANGED');
        return Promise.resolve(refused === undefined ? null : { code: refused.code, reason: refused.reason });
      });
    });

  common(program.command('escalate').description('escalate a halted run to SG_3 (compensation)').argument('<run>', 'run id'))
    .option('--as <name>', 'who escalates')
    .option('--reason <text>', 'why')
    .action((runId: string, options: ControlOptions) => {
      const [as, reason] = [required(options.as, 'as'), required(options.reason, 'reason')];
      return control('escalate', runId, options, terminal, setExit, (run) => { run.escalate(as, reason); return Promise.resolve(null); });
    });
}
