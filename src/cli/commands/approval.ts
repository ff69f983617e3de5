import type { Command } from 'commander';
import { APPROVAL_REQUEST_FORMAT, parseApprovalRequest, signApprovalRequest, type ApprovalRequest } from '../../approvals/approval-request.js';
import { InvalidInput } from '../../errors/index.js';
import { describeUnmet, evaluateGate, gateRequirements } from '../../policy/evaluate.js';
import { durationSeconds } from '../../policy/policy.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { RunNotFound } from '../../runs/errors.js';
import { findRun, planCountsOf } from '../../runs/run-store.js';
import { storedRiskRules } from '../../runs/stored-risk.js';
import { viewOfStoredRun } from '../../runs/upgrade/stored-view.js';
import { readApproverKeyFile } from '../approver-key-file.js';
import { parseGate, readOptionFile, required } from '../command-options.js';
import { ExitCode } from '../exit-codes.js';
import { writeOutputFile } from '../output-file.js';
import { withRunSession, type SessionOptions } from '../run-session.js';
import { withTargetOptions } from '../target-options.js';
import type { Terminal } from '../terminal.js';

interface RequestOptions extends SessionOptions {
  readonly gate?: string;
  readonly validFor?: string;
  readonly notBefore?: string;
  readonly out?: string;
  readonly config?: string;
}

interface SignOptions {
  readonly as?: string;
  readonly key?: string;
  readonly reason?: string;
  readonly reviewDecision?: string;
  readonly out?: string;
}


/** Registers `cutter approval request` (on the machine that drives runs) and `cutter approval sign` (on the approver's). */
export function registerApproval(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const approval = program.command('approval').description('approvals signed where the approver is: request one for a parked run, sign it elsewhere, apply it with cutter approve --file');

  withTargetOptions(approval.command('request').description('write what an approver signs for the gate a stored run waits at: run, gate, change set, plan hash, policy hash, counts, validity').argument('<run>', 'run id'))
    .option('--gate <gate>', 'cut (SG_1), enact (SG_2) or compensate (SG_3); default: the gate the run waits at')
    .option('--valid-for <duration>', "how long approvals of this request stay valid (default: the policy's lifetime for the gate)")
    .option('--not-before <instant>', 'approvals count only from this ISO instant (with offset)')
    .option('--config <file>', 'configuration file (approvers, policy); default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
    .option('--out <file>', 'write the request here instead of printing it')
    .action(async (runId: string, options: RequestOptions) => {
      await withRunSession(options, async (session) => {
        const loaded = await findRun(session.store, runId);
        if (loaded?.snapshot === null || loaded === null) throw new RunNotFound(runId);
        const { view } = viewOfStoredRun(loaded.run, loaded.snapshot);
        const gate = options.gate === undefined ? view.gate : parseGate(options.gate);
        if (gate === null) throw new InvalidInput('gate', `run ${runId} waits at no gate (${view.state}); name one with --gate`);
        if (view.gate !== gate) throw new InvalidInput('gate', `run ${runId} waits at ${view.gate ?? view.state}, not ${gate}`);
        const changeSet = view.context.changeSet;
        if (changeSet === null) throw new InvalidInput('run', `run ${runId} has no pinned change set yet`);
        const policy = resolvePolicy(session.policy);
        const risk = await storedRiskRules(session.store, runId, session.policy);
        const counts = await planCountsOf(session.store, runId);
        const requirements = gateRequirements(policy.document, gate, risk);
        const seconds = options.validFor === undefined ? requirements.defaultLifetimeSeconds : durationSeconds(options.validFor);
        if (seconds === null || seconds <= 0) throw new InvalidInput('valid-for', 'must be a duration such as 30m, 24h or 7d');
        if (seconds > requirements.maxLifetimeSeconds) throw new InvalidInput('valid-for', `the policy allows approvals of ${gate} to last at most ${requirements.maxLifetimeSeconds / 3600} h`);
        const now = new Date();
        const notBefore = options.notBefore === undefined ? undefined : new Date(options.notBefore);
        if (notBefore !== undefined && Number.isNaN(notBefore.getTime())) throw new InvalidInput('not-before', 'must be an ISO instant such as 2026-12-07T09:00:00+01:00');
        const start = notBefore !== undefined && notBefore > now ? notBefore : now;
        const request: ApprovalRequest = {
          format: APPROVAL_REQUEST_FORMAT,
          runId,
          gate,
          changeSetId: changeSet.changeSetId,
          planHash: changeSet.planHash,
          policyHash: view.context.policyHash ?? policy.hash,
          counts: {
            rows: changeSet.rowCount,
            new: counts?.new ?? 0,
            changed: counts?.changed ?? 0,
            retired: counts?.retire ?? 0,
          },
          reviewDecisionRequired: gate === 'SG_2',
          validity: { ...(notBefore === undefined ? {} : { notBefore: notBefore.toISOString() }), notAfter: new Date(start.getTime() + seconds * 1000).toISOString() },
          needs: evaluateGate(policy, gate, risk, view.context, now).unmet.map((u) => describeUnmet(gate, u)),
        };
        const text = `${JSON.stringify(request, null, 2)}\n`;
        if (options.out === undefined) terminal.line(text.trimEnd());
        else {
          await writeOutputFile(options.out, text);
          terminal.error(`approval request for ${gate} of run ${runId} written to ${options.out}; sign it with: cutter approval sign ${options.out} --as <approver> --key <private key> --reason <why>`);
        }
        setExit(ExitCode.Ok);
      }, 'read');
    });

  approval.command('sign').description("sign an approval request with the approver's private key, on their own machine: no database, no configuration").argument('<request>', 'the request file (from cutter approval request)')
    .option('--as <approver>', 'the approver, as named in the policy')
    .option('--key <file>', "the approver's Ed25519 private key (PEM)")
    .option('--reason <text>', 'why this is approved (recorded)')
    .option('--review-decision <id>', 'the review decision this enactment carries out (required for SG_2)')
    .option('--out <file>', 'write the approval here instead of printing it')
    .action(async (requestFile: string, options: SignOptions) => {
      const request = parseApprovalRequest(await readOptionFile(requestFile, 'request'), requestFile);
      const approver = required(options.as, 'as');
      const reason = required(options.reason, 'reason');
      const approval = signApprovalRequest(request, {
        approver,
        reason,
        privateKeyPem: await readApproverKeyFile(required(options.key, 'key')),
        ...(options.reviewDecision === undefined ? {} : { reviewDecisionId: options.reviewDecision }),
      });
      const text = `${JSON.stringify(approval, null, 2)}\n`;
      if (options.out === undefined) terminal.line(text.trimEnd());
      else {
        await writeOutputFile(options.out, text);
        terminal.error(`approval of ${request.gate} for run ${request.runId} by ${approval.approver} written to ${options.out}; apply it with: cutter approve ${request.runId} --file ${options.out}`);
      }
      setExit(ExitCode.Ok);
    });
}
