import { domainCheckSql } from '../sql/domain-checks.js';
import { quickFieldCheckOf } from '../sql/row-limits.js';

/**
 * Migration 15: the same content checks as migration 14, in expressions that cost a microsecond a row instead of tens
 * (issue 17). Timed over 200k values (1 KB bodies) in psql: the content hash's `^[0-9a-f]{64}$` took 11 µs a value (a
 * bounded repetition is slow in PostgreSQL's regex engine), a body's `length(btrim(body)) > 0` 11 µs (it copies and
 * counts the whole body), a title's UTF-16 length 6 µs (a regexp_replace); the rewritten ones 0–1.5 µs each. Every
 * INSERT and COPY into cutter.iu_versions pays them: the cut, a restore, and the bench's COPY floor alike.
 *
 * Each accepts exactly what it replaces (test/integration/content-checks.test.ts compares them value by value):
 * - a content hash of 64 octets all in [0-9a-f] is 64 such characters;
 * - `btrim` strips only spaces, so a value is blank exactly when it holds no character but a space;
 * - a title of at most N octets is at most N UTF-16 code units (a code point takes at least as many UTF-8 octets
 *   as UTF-16 units), so only a longer one needs counting.
 * The names, and so the errors (23514, the constraint, the field), are migration 14's.
 */
export const CHEAP_CONTENT_CHECKS = {
  contentHash: "octet_length(VALUE) = 64 AND VALUE ~ '^[0-9a-f]+$'",
  notBlank: "VALUE ~ '[^ ]'",
  titleLimit: quickFieldCheckOf('title', 'VALUE'),
} as const;

export const migration015 = {
  version: 15,
  name: 'cheaper-content-checks',
  sql: [
    domainCheckSql('iu_content_hash', 'iu_versions_content_hash_check', CHEAP_CONTENT_CHECKS.contentHash, true),
    domainCheckSql('iu_title', 'iu_versions_title_check', CHEAP_CONTENT_CHECKS.notBlank, true),
    domainCheckSql('iu_body', 'iu_versions_body_check', CHEAP_CONTENT_CHECKS.notBlank, true),
    domainCheckSql('iu_title', 'iu_versions_title_limit', CHEAP_CONTENT_CHECKS.titleLimit, true),
  ].join('\n'),
} as const;
