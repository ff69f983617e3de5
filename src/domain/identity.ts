/**
 * The one form in which people's names are compared: the approver and the initiator (self-approval), approvers in a
 * policy, and the signer of a checkpoint. Unicode NFKC (so compatibility forms such as full-width letters or the `ﬁ`
 * ligature compare as their plain letters), then lower case, then surrounding white space removed: `Carol`, `carol`,
 * ` CAROL ` and `ｃａｒｏｌ` are one person. Names are shown as written; only comparisons use this form.
 */
export function canonicalIdentity(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim();
}

/** The names of a list that share a canonical form with an earlier one: `[['Carol', 'carol']]`. */
export function identityCollisions(names: readonly string[]): string[][] {
  const byCanonical = new Map<string, string[]>();
  for (const name of names) byCanonical.set(canonicalIdentity(name), [...(byCanonical.get(canonicalIdentity(name)) ?? []), name]);
  return [...byCanonical.values()].filter((group) => group.length > 1);
}

/** The entry of `record` whose key is the same person as `name`, if exactly one. */
export function entryFor<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  const wanted = canonicalIdentity(name);
  const matches = Object.keys(record).filter((key) => canonicalIdentity(key) === wanted);
  return matches.length === 1 && matches[0] !== undefined ? record[matches[0]] : undefined;
}
