import { GateSchema } from '../domain/approval.js';
import { fieldOfIssue } from '../domain/issue-field.js';
import { InvalidInput } from '../errors/index.js';
import { policyHashOf, policyProblems, PolicyRulesSchema, type PolicyDocument, type PolicyRulesInput, type ResolvedPolicy } from './policy.js';

/** An approver as a host names them: a public key (PEM), or the key with the groups they belong to. */
export type ApproverEntry = string | { readonly publicKey: string; readonly groups?: readonly string[] };

/** Who may approve, and what each gate needs: the library's form of the configuration's `approvers` and `policy`. */
export interface ApprovalPolicy {
  /** Approver identity → Ed25519 public key (PEM), or `{ publicKey, groups }`. Names compare in their canonical form. */
  readonly approvers: Readonly<Record<string, ApproverEntry>>;
  /** Let a run's initiator approve their own run. Off by default (I6). */
  readonly allowSelfApproval?: boolean;
  /** Quorums, groups, separation of duties, lifetimes, windows and risk rules (docs/operations.md, "Approval policy"). One approval per gate by another person at each gate when absent. */
  readonly rules?: PolicyRulesInput;
  /** The clock, for expiry and windows. */
  readonly now?: () => Date;
}

/** The public key of an approver entry. */
export const publicKeyOf = (entry: ApproverEntry): string => (typeof entry === 'string' ? entry : entry.publicKey);

const resolved = new WeakMap<ApprovalPolicy, ResolvedPolicy>();

/**
 * The policy as a document, with its hash; validated, so a policy that could never be met is refused up front.
 *
 * @throws {@link InvalidInput} naming the field (`policy.gates.SG_2.quorum`, say) and what to change.
 */
export function resolvePolicy(policy: ApprovalPolicy): ResolvedPolicy {
  const known = resolved.get(policy);
  if (known !== undefined) return known;
  const rules = PolicyRulesSchema.safeParse(policy.rules ?? {});
  if (!rules.success) {
    const issue = rules.error.issues[0];
    throw new InvalidInput(`policy.${fieldOfIssue(issue, 'policy')}`.replace(/\.policy$/, ''), issue?.message ?? 'invalid');
  }
  const approvers = Object.fromEntries(
    Object.entries(policy.approvers).map(([name, entry]) => [name, { publicKey: publicKeyOf(entry), groups: [...new Set(typeof entry === 'string' ? [] : entry.groups ?? [])].sort() }]),
  );
  const document: PolicyDocument = {
    version: 1,
    approvers,
    allowSelfApproval: policy.allowSelfApproval === true,
    allowSameApproverAcrossGates: rules.data.allowSameApproverAcrossGates,
    windows: rules.data.windows,
    gates: Object.fromEntries(GateSchema.options.map((gate) => [gate, rules.data.gates[gate]])) as PolicyDocument['gates'],
    risk: rules.data.risk,
  };
  const problem = policyProblems(document)[0];
  if (problem !== undefined) throw new InvalidInput(problem.path, problem.message);
  const result = { document, hash: policyHashOf(document) };
  resolved.set(policy, result);
  return result;
}
