/**
 * Hints for what a stored run records rather than throws: the error a run ended (or halted) on, and a refusal at a
 * gate. A record keeps only `{ code, message }` (it is persisted JSON), so the CLI looks its hint up by code. Every
 * code a run can record has one here; a test checks it.
 */
const BOTH_SWITCHES_ON = 'Turn both kill switches ON for a LIVE write (cutter kill-switch on --as <name> --reason "<why>", and CUTTER_EXECUTION_ENABLED=on)';

const BY_CODE: Readonly<Record<string, string>> = {
  // At a gate (the machine's lock refused): an approval refused so was not taken; a resume re-checks a policy met already.
  E_KILL_SWITCH_OFF: `The gate did not open and an approval refused by the kill switch was not taken. ${BOTH_SWITCHES_ON}, then approve again (or resume, if the gate's policy was met already).`,
  E_LIVE_ADAPTER_REQUIRED: 'Nothing was written. Check the target (--database-url / --data-dir) and start the run again.',
  E_EXECUTOR_MODE_MISMATCH: 'Nothing was written. Start the run again in the mode it needs (--mode dryrun or --mode live).',
  E_APPROVAL_MISSING: 'Give the gate an approval: cutter approve <run> --gate ... --as <approver> --key <file> --reason "<why>".',
  E_APPROVAL_INVALID: 'Sign a new approval for this run, gate, change set and plan hash, by an approver in the configuration other than the initiator (SG_2: with --review-decision).',
  // Waits, not refusals, and read after `approve` and `resume` alike: they say what the gate waits for, not what a command did.
  E_APPROVAL_QUORUM: 'The gate waits for more distinct approvers: `cutter status <run>` lists whose approvals count and who can still approve.',
  E_APPROVAL_GROUP: 'The gate waits for approvers of the named group: `cutter status <run>` lists whose approvals count and its eligible members.',
  E_CHANGE_WINDOW_CLOSED: 'The policy is met except for the change window: run `cutter resume <run>` once it is open (`cutter status <run>` says when).',
  E_APPROVAL_DUPLICATE: 'This person already approved this gate: the gate needs another approver (cutter status <run> lists who).',
  E_APPROVAL_SEPARATION: 'The policy asks for another person at each gate: have someone who has not approved this run approve it.',
  E_APPROVAL_LIFETIME: 'Sign again with a shorter --expires-in, within the policy\'s approvalLifetime.max for the gate.',
  E_APPROVAL_NOT_ELIGIBLE: 'Have an approver of one of the gate\'s eligible groups approve (cutter status <run> lists them).',
  E_APPROVAL_POLICY_MISMATCH: 'Ask for a new approval request (cutter approval request <run>) and sign that: it carries the policy the run is bound to.',
  E_APPROVAL_REVIEW_DECISION: 'Approve SG_2 with the same --review-decision as the approvals already collected.',
  E_POLICY_CHANGED: 'Bind the run to the policy now in force (cutter policy bind <run> --as <name> --reason "<why>"), then approve.',
  E_STOP_INVARIANT: 'Nothing of the phase was kept. Inspect the named row in the target, fix the plan or the target, and run again.',
  E_PLAN_INVALID: 'Nothing was written. Fix the named rows and fields, then run again.',
  E_PLAN_PIN_MISMATCH: 'The plan changed after it was pinned: plan again and have the new plan hash approved.',
  E_PLAN_STALE: 'The cut rolled back: someone changed these addresses after the plan was pinned. Plan again (cutter plan / cutter run) and have the new plan approved.',
  E_PLAN_CONFLICT: 'Another run has drafts at these addresses: let it finish (enact or compensate it), or leave the addresses out, then plan again.',
  E_ROW_DUPLICATE: 'Nothing of the phase was kept. Plan again against the target: each address may appear once, at a version the target does not hold yet.',
  E_ROW_CONSTRAINT: 'Nothing of the phase was kept. Fix the named row and field (it breaks a limit the schema holds), and plan again.',
  E_ROW_DATA_INVALID: 'Nothing of the phase was kept. Remove the NUL bytes or invalid UTF-8 from the named row and field, and plan again.',
  E_COLLABORATOR_NOT_CONFIGURED: 'Check the target and the backup settings (`cutter config check`), then start the run again.',
  E_TARGET_NOT_READY: 'Run `cutter init` against the target, then start the run again.',
  E_TARGET_UNAVAILABLE: 'Nothing of the phase was kept. Once the database answers, `cutter resume <run>`.',
  E_TARGET_BUSY: 'Another LIVE run holds the target: once it parks or ends (or its lease expires), `cutter resume <run>`.',
  E_SCHEMA_TOO_NEW: 'Use the Cutter release that upgraded this target (or a later one).',
  E_RUN_STRANDED: 'This release cannot carry the run on: cancel it (cutter cancel <run> --as <name> --reason "<why>"), or act on it with the release that stored it.',
  E_PHASE_RECORD_FORGED: 'Nothing was skipped or written. Find who wrote the phase record (cutter.phase_records) and why; remove it as the schema owner to let the phase run, or cancel the run.',
  E_VERIFY_MISMATCH: 'The written rows do not match the plan: the run waits at SG_3. Inspect the target, then approve compensation (cutter approve <run> --gate compensate ...).',
  E_BACKUP_UNVERIFIED: 'Nothing was written: the backup could not be verified. Check the backup settings and the disk, then start the run again.',
  E_BACKUP_FOLDER_UNSAFE: 'Nothing was written. Make the backup folder private (chmod 700 <folder>), then start the run again.',
  E_BACKUP_ENCRYPTION_FAILED: 'Nothing was written. Install gpg and import the recipient\'s public key (or correct backup.gpgRecipient), then start the run again.',
  E_UNEXPECTED: 'Cutter has no named error for this: `cutter status <run> --journal` and `cutter report <run>` show where it arose; report it if it is not your environment.',
};

/**
 * Where the run stands with the code: `parked` at a gate (a refusal or a wait), `halted` (resumable), `ended` (a final
 * state). A code can mean different next steps in each: only the kill switch's does, so far.
 */
export type RunStanding = 'parked' | 'halted' | 'ended';

/** Hints that differ from {@link BY_CODE}'s by where the run stands. */
const BY_STANDING: Readonly<Record<Exclude<RunStanding, 'parked'>, Readonly<Record<string, string>>>> = {
  // Halted: the approvals given are kept, so approving again is no step (and is refused: no gate waits).
  halted: { E_KILL_SWITCH_OFF: `The phase the kill switch stopped wrote nothing; the approvals given are kept. ${BOTH_SWITCHES_ON}, then cutter resume <run> (or cutter escalate <run> to compensate).` },
  // Refused at precheck, before any gate: only a new run can go on.
  ended: { E_KILL_SWITCH_OFF: `Nothing was written. ${BOTH_SWITCHES_ON}, then start the run again.` },
};

/** The hint for a code a run recorded; a generic one for a code this build does not know (a newer release's). */
export function outcomeHintFor(code: string, standing: RunStanding = 'parked'): string {
  return (standing === 'parked' ? undefined : BY_STANDING[standing][code]) ?? BY_CODE[code] ?? '`cutter status <run> --journal` shows what happened.';
}

/** Every code with a hint of its own. */
export const CODES_WITH_OUTCOME_HINTS: readonly string[] = Object.keys(BY_CODE);
