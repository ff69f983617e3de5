import fc from 'fast-check';

/**
 * A title or body of any text a plan accepts: graphemes of all Unicode mixed with every character JSON or COPY
 * escapes (and some neither does), never blank and never holding a NUL.
 */
export const anyPlanText = fc.string({
  unit: fc.oneof(fc.constantFrom('\\', '"', '\t', '\n', '\r', '\b', '\f', '\u0001', '\u001f', '\u007f', '\u2028', '/', '\\N', '\ud83d\ude00'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  minLength: 1,
  maxLength: 40,
}).filter((t) => t.trim().length > 0 && !t.includes('\u0000'));
