import { hash } from 'node:crypto';
import { z } from 'zod';
import { InvalidInput } from '../errors/index.js';
import { ADDRESS_PATTERN, PlanLimits } from './limits.js';

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const hasNul = (text: string): boolean => text.includes('\u0000');
/** A lone surrogate has no UTF-8 form: stored, it would silently become U+FFFD and no longer match its hash. */
const wellFormed = (text: string): boolean => text.isWellFormed();

/** Schema of one IU row of a cutplan: what a run will create at one address. */
export const IURowSchema = z.strictObject({
  address: z
    .string()
    .min(1, 'must not be empty')
    .max(PlanLimits.maxAddressChars, `must be at most ${PlanLimits.maxAddressChars} characters`)
    .regex(ADDRESS_PATTERN, 'must be lower-case path segments such as handbook/backups/retention'),
  title: z
    .string()
    .refine((t) => t.trim().length > 0, 'must not be empty')
    .refine((t) => t.length <= PlanLimits.maxTitleChars, `must be at most ${PlanLimits.maxTitleChars} characters`)
    .refine((t) => !hasNul(t), 'must not contain NUL bytes')
    .refine(wellFormed, 'must be well-formed Unicode (no lone surrogate code units)'),
  body: z
    .string()
    .refine((b) => b.trim().length > 0, 'must not be empty')
    .refine((b) => utf8Bytes(b) <= PlanLimits.maxBodyBytes, `must be at most ${PlanLimits.maxBodyBytes} bytes (1 MiB) of UTF-8`)
    .refine((b) => !hasNul(b), 'must not contain NUL bytes')
    .refine(wellFormed, 'must be well-formed Unicode (no lone surrogate code units)'),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256').optional(),
  /** Where the row came from (document id and line), for people; not part of any hash. */
  source: z
    .string()
    .max(PlanLimits.maxSourceChars, `must be at most ${PlanLimits.maxSourceChars} characters`)
    // Stored with the plan: PostgreSQL text cannot hold NUL, and a lone surrogate would not survive UTF-8.
    .refine((s) => !hasNul(s), 'must not contain NUL bytes')
    .refine(wellFormed, 'must be well-formed Unicode (no lone surrogate code units)')
    .optional(),
  /**
   * What the run does at this address, as planning found it against the target (see `classifyPlan`): `new` (version
   * 1, or the next after a retired one), `changed` (a new version superseding the enacted one), `retire` (the enacted
   * version, whose title and body the row carries, is retired). Absent in a plan not classified against a target.
   */
  action: z.enum(['new', 'changed', 'retire']).optional(),
});

/** What a change set does to one address (see {@link IURowSchema}'s `action`). */
export type RowAction = 'new' | 'changed' | 'retire';

/** A row as a caller supplies it (contentHash optional). */
export type IURowInput = z.input<typeof IURowSchema>;

/** A validated row with its content hash computed. */
export interface IURow {
  readonly address: string;
  readonly title: string;
  readonly body: string;
  readonly contentHash: string;
  readonly source?: string;
  readonly action?: RowAction;
}

/** Rows that write a version (every row but a retirement): what the cut creates and verification reads back. */
export const writesVersion = (row: Pick<IURow, 'action'>): boolean => row.action !== 'retire';

/** sha256 of the canonical `{ title, body }`: the identity of an IU's content. */
export function contentHashOf(title: string, body: string): string {
  // A hash of "null" would silently stand for content that was never given.
  if (typeof title !== 'string') throw new InvalidInput('title', 'must be a string');
  if (typeof body !== 'string') throw new InvalidInput('body', 'must be a string');
  // A lone surrogate has no UTF-8 form (and no canonical JSON: the JCS canonicaliser refuses it too).
  if (!wellFormed(title)) throw new InvalidInput('title', 'must be well-formed Unicode (no lone surrogate code units)');
  if (!wellFormed(body)) throw new InvalidInput('body', 'must be well-formed Unicode (no lone surrogate code units)');
  // Two string values under keys already in sorted order: their JCS form is JSON.stringify's (JCS serialises strings
  // as ECMAScript does), so this is hashCanonical({ body, title }) at a fraction of its cost per 1 KB row, which every row
  // of a million-row plan pays. The one-shot hash avoids a Hash object per row.
  return hash('sha256', `{"body":${jsonString(body)},"title":${jsonString(title)}}`, 'hex');
}

/** What JSON.stringify escapes in a well-formed string: the quote, the backslash and the C0 controls. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/**
 * JSON.stringify(text) for a well-formed string. A string with nothing to escape (most bodies) is only quoted: the
 * regular expression's scan costs less than JSON.stringify's escaping copy. Planning's classification of 1M rows, as
 * `npm run bench:classify` measures it, spent 5.5 s of client CPU with this and 7.0 s without.
 */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
