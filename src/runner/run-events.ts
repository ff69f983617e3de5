import { z } from 'zod';
import type { RunEvent } from '../../machines/run-types.js';
import { GateSchema } from '../domain/approval.js';
import { InvalidEvent } from '../errors/index.js';
import { fieldOfIssue } from '../domain/issue-field.js';

const who = z.string().trim().min(1, 'must name who sends it').max(200);
const why = z.string().trim().min(1, 'must say why').max(2000);

/**
 * The events a host may send to a run. The approval itself is checked by the gate's guard (so that a refusal is
 * journalled); here it need only be an object.
 */
export const RunEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('START') }),
  z.strictObject({ type: z.literal('APPROVE'), approval: z.looseObject({}) }),
  z.strictObject({ type: z.literal('REJECT'), gate: GateSchema, by: who, reason: why }),
  z.strictObject({ type: z.literal('CANCEL'), by: who, reason: why }),
  z.strictObject({ type: z.literal('RESUME'), by: who }),
  z.strictObject({ type: z.literal('ESCALATE'), by: who, reason: why }),
  z.strictObject({ type: z.literal('BIND_POLICY'), policyHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex sha256 of a policy'), by: who, reason: why }),
]);

/** Parses an event from outside; throws {@link InvalidEvent} naming the field at fault. */
export function parseRunEvent(candidate: unknown): RunEvent {
  const parsed = RunEventSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEvent(fieldOfIssue(issue, 'type'), issue?.message ?? 'malformed event');
  }
  // The approval's fields are validated by the gate's guard; the machine's type names them.
  return parsed.data as RunEvent;
}
