/**
 * The approval policy: who may approve, and what each gate needs before it opens. Written in the configuration (the
 * `approvers` and `policy` sections), validated here with every error named by its path, and normalised into one plain
 * JSON document whose hash is bound to each run when it is created (a parked run is never judged by rules it was not
 * created under without a person re-binding it).
 */
import { z } from 'zod';
import { GateSchema, type Gate } from '../domain/approval.js';
import { canonicalJson, sha256Hex } from '../domain/hashing.js';
import { canonicalIdentity, identityCollisions } from '../domain/identity.js';
import { ChangeWindowSchema, type ChangeWindow } from './windows.js';
import { counted } from '../text/plural.js';

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `90s`, `30m`, `24h`, `7d` → seconds. */
export function durationSeconds(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (match === null) return null;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

const Duration = z.string().refine((s) => (durationSeconds(s) ?? 0) > 0, { message: 'must be a duration such as 30m, 24h or 7d' });
const Name = z.string().trim().min(1).max(100);

/** What a gate needs; every field may be raised by a risk rule. */
const GateRulesSchema = z.strictObject({
  /** M distinct approvers. */
  quorum: z.number().int().min(1).max(50).default(1),
  /** group → at least this many distinct approvers of that group among those counted (one of `security` AND one of `content`). */
  groups: z.record(Name, z.number().int().min(1).max(50)).default({}),
  /** Only members of one of these groups may approve this gate; every configured approver when absent. */
  eligibleGroups: z.array(Name).min(1).optional(),
  /** How long an approval lasts when its signer does not say, and the most it may last. */
  approvalLifetime: z.strictObject({ default: Duration.default('24h'), max: Duration.default('7d') }).default({ default: '24h', max: '7d' }),
  /** The gate opens only inside one of these windows (names from `policy.windows`); at any time when empty. SG_2's is the enactment's window. */
  windows: z.array(Name).default([]),
});

/** What a risk rule adds to a gate: requirements are only ever raised, never lowered. */
const RaiseSchema = z.strictObject({
  quorum: z.number().int().min(1).max(50).optional(),
  groups: z.record(Name, z.number().int().min(1).max(50)).optional(),
  /** One of these windows must also be open (on top of the gate's own). */
  windows: z.array(Name).min(1).optional(),
});

const RiskRuleSchema = z.strictObject({
  name: Name,
  /** Every condition given must hold (write two rules for "either"). */
  when: z
    .strictObject({
      /** The change set has more than this many rows. */
      rowsOver: z.number().int().min(0).optional(),
      /** The change set retires at least one enacted version. */
      retires: z.literal(true).optional(),
      /** The change set touches an address matching one of these globs (picomatch syntax, e.g. `legal/**`). */
      touches: z.array(z.string().min(1)).min(1).optional(),
      /** The run reverts a completed change set. */
      revert: z.literal(true).optional(),
    })
    .refine((w) => Object.values(w).some((v) => v !== undefined), { message: 'name at least one condition: rowsOver, retires, touches or revert' }),
  raise: z.partialRecord(GateSchema, RaiseSchema).refine((r) => Object.keys(r).length > 0, { message: 'raise the requirements of at least one gate' }),
});

/** The `policy` section of the configuration. Every field has a default: an absent section is one approval per gate. */
export const PolicyRulesSchema = z.strictObject({
  /** One person may approve two gates of the same run (SG_1 and SG_2, say). Off unless set. */
  allowSameApproverAcrossGates: z.boolean().default(false),
  windows: z.record(Name, ChangeWindowSchema).default({}),
  gates: z
    .strictObject({ SG_1: GateRulesSchema.default(GateRulesSchema.parse({})), SG_2: GateRulesSchema.default(GateRulesSchema.parse({})), SG_3: GateRulesSchema.default(GateRulesSchema.parse({})) })
    .default({ SG_1: GateRulesSchema.parse({}), SG_2: GateRulesSchema.parse({}), SG_3: GateRulesSchema.parse({}) }),
  risk: z.array(RiskRuleSchema).default([]),
});
export type PolicyRulesInput = z.input<typeof PolicyRulesSchema>;
export type GateRules = z.infer<typeof GateRulesSchema>;
export type RiskRule = z.infer<typeof RiskRuleSchema>;

/** One approver as the policy knows them. */
export interface PolicyApprover {
  readonly publicKey: string;
  readonly groups: readonly string[];
}

/** The normalised policy: plain JSON, hashed and bound to runs. */
export interface PolicyDocument {
  readonly version: 1;
  readonly approvers: Readonly<Record<string, PolicyApprover>>;
  readonly allowSelfApproval: boolean;
  readonly allowSameApproverAcrossGates: boolean;
  readonly windows: Readonly<Record<string, ChangeWindow>>;
  readonly gates: Readonly<Record<Gate, GateRules>>;
  readonly risk: readonly RiskRule[];
}

/** A policy ready to judge runs: its document and that document's hash. */
export interface ResolvedPolicy {
  readonly document: PolicyDocument;
  readonly hash: string;
}

export interface PolicyProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * What cannot work in a policy that parses: a window or group named but never defined, a quorum larger than the
 * people who could meet it, a lifetime whose default exceeds its maximum, two approvers who are one person.
 */
export function policyProblems(document: PolicyDocument): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const names = Object.keys(document.approvers);
  for (const group of identityCollisions(names)) {
    problems.push({ path: `approvers.${group[1] ?? ''}`, message: `${group.map((n) => JSON.stringify(n)).join(' and ')} are the same approver once case and Unicode forms are set aside: keep one` });
  }
  const membersOf = (group: string, among: readonly string[] = names) => among.filter((n) => document.approvers[n]?.groups.includes(group));
  const checkWindows = (windows: readonly string[], path: string) => {
    windows.forEach((w, i) => {
      if (!Object.hasOwn(document.windows, w)) problems.push({ path: `${path}.${i}`, message: `no window named ${JSON.stringify(w)} in policy.windows` });
    });
  };
  const checkGroups = (groups: Readonly<Record<string, number>>, quorum: number, eligible: readonly string[], path: string) => {
    // No approvers at all is a configuration for reading runs (and for refusing every approval), not a broken policy.
    if (names.length === 0) return;
    for (const [group, need] of Object.entries(groups)) {
      // Only members who may approve this gate can meet it.
      const have = membersOf(group, eligible).length;
      if (have < need) problems.push({ path: `${path}.groups.${group}`, message: `needs ${need} of group ${group}, but ${counted(have, 'approver')} who may approve this gate ${have === 1 ? 'belongs' : 'belong'} to it: add members or lower it` });
    }
    if (eligible.length < quorum) problems.push({ path: `${path}.quorum`, message: `needs ${counted(quorum, 'distinct approver')}, but ${eligible.length} may approve this gate: add approvers or lower it` });
  };
  for (const gate of GateSchema.options) {
    const rules = document.gates[gate];
    const path = `policy.gates.${gate}`;
    const eligible = eligibleApprovers(document, gate);
    checkGroups(rules.groups, rules.quorum, eligible, path);
    checkWindows(rules.windows, `${path}.windows`);
    const lifetime = rules.approvalLifetime;
    if ((durationSeconds(lifetime.default) ?? 0) > (durationSeconds(lifetime.max) ?? 0)) {
      problems.push({ path: `${path}.approvalLifetime.default`, message: `${lifetime.default} is longer than the maximum ${lifetime.max}` });
    }
    (rules.eligibleGroups ?? []).forEach((group, i) => {
      if (membersOf(group).length === 0) problems.push({ path: `${path}.eligibleGroups.${i}`, message: `no approver belongs to group ${group}` });
    });
  }
  document.risk.forEach((rule, i) => {
    for (const [gate, raise] of Object.entries(rule.raise) as [Gate, z.infer<typeof RaiseSchema>][]) {
      const path = `policy.risk.${i}.raise.${gate}`;
      checkGroups(raise.groups ?? {}, raise.quorum ?? 1, eligibleApprovers(document, gate), path);
      checkWindows(raise.windows ?? [], `${path}.windows`);
    }
  });
  return problems;
}

/** The approvers who may approve `gate`: every configured approver, or the members of its eligible groups. */
export function eligibleApprovers(document: PolicyDocument, gate: Gate): string[] {
  const eligible = document.gates[gate].eligibleGroups;
  return Object.keys(document.approvers).filter((name) => eligible === undefined || eligible.some((g) => document.approvers[name]?.groups.includes(g)));
}

/** The policy's hash: sha256 of its canonical JSON. Any change to who may approve or what a gate needs changes it. */
export function policyHashOf(document: PolicyDocument): string {
  return sha256Hex(canonicalJson(document));
}

/** The approver entry of `name` in its canonical form, if configured. */
export function approverOf(document: PolicyDocument, name: string): { readonly name: string; readonly approver: PolicyApprover } | undefined {
  const wanted = canonicalIdentity(name);
  const matches = Object.keys(document.approvers).filter((key) => canonicalIdentity(key) === wanted);
  const only = matches.length === 1 ? matches[0] : undefined;
  const approver = only === undefined ? undefined : document.approvers[only];
  return only === undefined || approver === undefined ? undefined : { name: only, approver };
}
