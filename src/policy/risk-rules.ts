/**
 * Risk rules applied: which of a policy's risk rules hold for a change set, from its size, whether it retires or
 * reverts, and the addresses it touches (picomatch globs). Pure but for the addresses a pinned plan reads on demand.
 */
import type picomatchModule from 'picomatch';
import { loadOnDemand } from '../modules/load-on-demand.js';
import type { PolicyDocument } from './policy.js';

const picomatch = loadOnDemand<typeof picomatchModule>('picomatch');

/** What risk rules look at: the change set's size, whether it retires or reverts, and its addresses. */
export interface RiskFacts {
  readonly rowCount: number;
  readonly retireCount: number;
  readonly revert: boolean;
  readonly addresses: Iterable<string>;
}

/** Whether a risk rule's conditions on the change set's size, retirements and revert hold (all but `touches`). */
function sizeConditionsHold(when: PolicyDocument['risk'][number]['when'], facts: Omit<RiskFacts, 'addresses'>): boolean {
  return (when.rowsOver === undefined || facts.rowCount > when.rowsOver)
    && (when.retires === undefined || facts.retireCount > 0)
    && (when.revert === undefined || facts.revert);
}

/** The names of the policy's risk rules that hold for a change set. Read once per run: addresses may be many. */
export function matchingRiskRules(document: PolicyDocument, facts: RiskFacts): string[] {
  const touched = (globs: readonly string[]) => {
    const matches = picomatch()(globs as string[], { dot: true });
    for (const address of facts.addresses) if (matches(address)) return true;
    return false;
  };
  return document.risk
    .filter(({ when }) => sizeConditionsHold(when, facts) && (when.touches === undefined || touched(when.touches)))
    .map((rule) => rule.name);
}

/**
 * {@link matchingRiskRules} for a change set whose addresses are read where they are kept (a plan pinned in the
 * target): `anyAddress` says whether any address matches, and is asked only for a rule whose other conditions hold.
 */
export async function matchingRiskRulesOf(
  document: PolicyDocument,
  facts: Omit<RiskFacts, 'addresses'> & { readonly anyAddress: (matches: (address: string) => boolean) => Promise<boolean> },
): Promise<string[]> {
  const names: string[] = [];
  for (const { name, when } of document.risk) {
    if (!sizeConditionsHold(when, facts)) continue;
    if (when.touches !== undefined && !(await facts.anyAddress(picomatch()(when.touches, { dot: true })))) continue;
    names.push(name);
  }
  return names;
}
