/**
 * The bad-input corpus, part 2 (issue 18, "Bad input"; invariant I13): `--key` files, configuration files and their
 * approvers' public keys, `--data-dir`, `keys generate` and `--out`, and borderline sources that must be accepted.
 * In-process, against a PostgreSQL database holding one run parked at SG_1: after every case the run's journal, the
 * runs, the IU versions and the ledger are as they were (a bad --key used to journal `cutter.restored` each time).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { main } from '../../../src/cli/main.js';
import { expectCase, listing, type CorpusCase } from '../../support/bad-input-corpus.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { POSTGRES_URL } from '../../support/targets.js';

const dir = join(tmpdir(), `cutter-bad-keys-${randomBytes(4).toString('hex')}`);
const at = (name: string) => join(dir, name);
const keys = JSON.parse(await readFile('test/fixtures/approver-keys.json', 'utf8')) as Record<string, { publicKey: string; privateKey: string }>;
const alice = keys.alice ?? { publicKey: '', privateKey: '' };
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const encrypted = createPrivateKey(alice.privateKey).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
const certificate = await readFile('test/fixtures/bad-input/certificate.pem', 'utf8');

const files: Record<string, string | Buffer> = {
  'policy.md': '# Policy\n\nThe policy.\n',
  'alice.pub': alice.publicKey,
  'key-empty.key': '',
  'key-public.key': alice.publicKey,
  'key-certificate.key': certificate,
  'key-encrypted.key': encrypted,
  'key-garbage.key': 'this is not a key\n',
  'key-binary.key': randomBytes(64),
  'key-rsa.key': rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  'key-mangled.key': alice.privateKey.replace(/\n[A-Za-z0-9+/]{8}/, '\n!!!!!!!!'),
  'approval-null.json': 'null',
  'approval-garbage.json': '{"gate":',
  'config-garbage.json': '{approvers',
  'config-unknown.json': JSON.stringify({ approvers: {}, aprovers: {} }),
  'config-inline-garbage.json': JSON.stringify({ approvers: { alice: '-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n' } }),
  'config-inline-private.json': JSON.stringify({ approvers: { alice: alice.privateKey } }),
  'config-inline-rsa.json': JSON.stringify({ approvers: { alice: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() } }),
  'config-file-private.json': JSON.stringify({ approvers: { alice: 'alice-private.pem' } }),
  'alice-private.pem': alice.privateKey,
  'config-file-empty.json': JSON.stringify({ approvers: { alice: 'empty.pub' } }),
  'empty.pub': '',
  'config-file-missing.json': JSON.stringify({ approvers: { alice: 'nobody.pub' } }),
  'config-file-folder.json': JSON.stringify({ approvers: { alice: { publicKey: 'a-folder', groups: [] } } }),
  'config.json': JSON.stringify({ approvers: { alice: 'alice.pub' } }),
  'a-file': 'not a folder',
  'bom.json': `\uFEFF${JSON.stringify([{ address: 'borderline/bom', title: 'BOM', body: 'Saved by an editor on Windows.' }])}`,
  'crlf.ndjson': `${JSON.stringify({ address: 'borderline/crlf', title: 'CRLF', body: 'Line one.\r\nLine two.' })}\r\n\r\n`,
  'crlf.md': '# Windows\r\n\r\nSaved with CRLF.\r\n',
  'emoji.md': '# 🚀🚀\n\nA heading with nothing to slug gets `section`.\n',
  'unicode.json': JSON.stringify([{ address: 'borderline/unicode', title: 'Überblick — 概要', body: 'Zero-width\u200bjoiner and tabs\tare content.' }]),
  'fence.md': '# Real\n\nText.\n\n```\n# not a heading\n```\n',
};

const dbName = `cutter_bad_input_${randomBytes(5).toString('hex')}`;
let dsn = '';
let runId = '';

async function counts(): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(`SELECT
      (SELECT count(*) FROM cutter.runs)::int AS runs, (SELECT count(*) FROM cutter.run_journal)::int AS journal,
      (SELECT count(*) FROM cutter.run_journal WHERE event->>'type' = 'cutter.restored')::int AS restored,
      (SELECT count(*) FROM cutter.iu_versions)::int AS ius, (SELECT count(*) FROM cutter.ledger)::int AS ledger`);
    return rows[0] ?? {};
  } finally {
    await client.end();
  }
}
const nothingWritten = async () => ({ db: await counts(), files: await listing(dir) });
const target = () => ['--database-url', dsn];

const INPUT = { exit: ExitCode.InvalidInput, code: 'E_INVALID_INPUT' } as const;
/** `approve` with everything right but the key file; refused before the run is restored. */
const approveWithKey = (key: string, what: string | RegExp): CorpusCase => ({
  name: `--key: ${key}`, args: ['approve', '@run', '--gate', 'cut', '--as', 'alice', '--reason', 'reviewed', '--key', at(key), '--config', at('config.json')], ...INPUT, names: [at(key), what],
});

const cases: CorpusCase[] = [
  // Every bad --key file the issue lists (each was E_UNEXPECTED, or journalled cutter.restored), and more.
  approveWithKey('key-empty.key', 'is empty'),
  approveWithKey('key-public.key', 'holds a public key'),
  approveWithKey('key-certificate.key', 'holds a certificate'),
  approveWithKey('key-encrypted.key', 'encrypted with a passphrase'),
  approveWithKey('key-garbage.key', 'is not a PEM key'),
  approveWithKey('key-binary.key', 'not valid UTF-8'),
  approveWithKey('key-rsa.key', 'holds a key of type RSA, not Ed25519'),
  approveWithKey('key-mangled.key', 'is not a readable PEM private key'),
  approveWithKey('a-folder', 'is a folder, not a regular file'),
  approveWithKey('missing.key', 'no such file or directory'),
  { name: 'approve: --not-before that is no instant', args: ['approve', '@run', '--gate', 'cut', '--as', 'alice', '--reason', 'r', '--key', at('key-public.key'), '--not-before', 'soon', '--config', at('config.json')], ...INPUT, names: ['not-before'] },
  { name: 'approve: --gate that is no gate', args: ['approve', '@run', '--gate', 'SG_9', '--as', 'alice', '--reason', 'r', '--config', at('config.json')], ...INPUT, names: ['--gate must be'] },
  { name: 'approve --file: null', args: ['approve', '@run', '--file', at('approval-null.json'), '--config', at('config.json')], ...INPUT, names: [at('approval-null.json'), 'is not an approval'] },
  { name: 'approve --file: not JSON', args: ['approve', '@run', '--file', at('approval-garbage.json'), '--config', at('config.json')], ...INPUT, names: [at('approval-garbage.json'), 'not valid JSON'] },
  { name: 'approve --file: missing', args: ['approve', '@run', '--file', at('none.json'), '--config', at('config.json')], ...INPUT, names: [at('none.json'), 'no such file'] },
  // Configuration files and the approvers' public keys (config check used to pass keys that cannot be parsed).
  { name: 'config: missing', args: ['config', 'check', '--config', at('none.json')], ...INPUT, names: [at('none.json'), 'no such file'] },
  { name: 'config: a folder', args: ['config', 'check', '--config', at('a-folder')], ...INPUT, names: [at('a-folder'), 'is a folder'] },
  { name: 'config: not JSON', args: ['config', 'check', '--config', at('config-garbage.json')], ...INPUT, names: [at('config-garbage.json'), 'not valid JSON'] },
  { name: 'config: an unknown field', args: ['config', 'check', '--config', at('config-unknown.json')], ...INPUT, names: ['aprovers'] },
  { name: 'config: an inline public key that cannot be parsed', args: ['config', 'check', '--config', at('config-inline-garbage.json')], ...INPUT, names: ['approvers.alice', 'is not a readable PEM public key', at('config-inline-garbage.json')] },
  { name: 'config: an inline private key given as public', args: ['config', 'check', '--config', at('config-inline-private.json')], ...INPUT, names: ['approvers.alice', 'is a PRIVATE key'] },
  { name: 'config: an RSA public key', args: ['config', 'check', '--config', at('config-inline-rsa.json')], ...INPUT, names: ['approvers.alice', 'is a key of type RSA, not Ed25519'] },
  { name: 'config: a key file holding a private key', args: ['config', 'check', '--config', at('config-file-private.json')], ...INPUT, names: ['approvers.alice', at('alice-private.pem'), 'is a PRIVATE key'] },
  { name: 'config: an empty key file', args: ['config', 'check', '--config', at('config-file-empty.json')], ...INPUT, names: ['approvers.alice', at('empty.pub'), 'is empty'] },
  { name: 'config: a missing key file', args: ['config', 'check', '--config', at('config-file-missing.json')], ...INPUT, names: ['approvers.alice', at('nobody.pub'), 'no such file'] },
  { name: 'config: a key "file" that is a folder', args: ['config', 'check', '--config', at('config-file-folder.json')], ...INPUT, names: ['approvers.alice', at('a-folder'), 'is a folder'] },
  // --data-dir (each was E_UNEXPECTED, or [object Object], or wrote a database among someone's files).
  { name: '--data-dir: a file', args: ['status', '--data-dir', at('a-file')], ...INPUT, names: ['dataDir', at('a-file'), 'is a file, not a folder'] },
  { name: '--data-dir: /dev/null', args: ['status', '--data-dir', '/dev/null'], ...INPUT, names: ['/dev/null is a character device, not a folder'] },
  { name: '--data-dir: under a file', args: ['status', '--data-dir', join(at('a-file'), 'db')], ...INPUT, names: [`cannot be made: ${at('a-file')} is a file`] },
  { name: '--data-dir: a folder of notes (was a 39 MB cluster written among them)', args: ['status', '--data-dir', at('notes')], ...INPUT, names: [at('notes'), 'holds other files (notes.txt)'] },
  { name: '--data-dir: a broken database', args: ['status', '--data-dir', at('broken-cluster')], ...INPUT, limitMs: 15_000, names: [at('broken-cluster'), 'cannot open an embedded database there'] },
  // keys generate and --out.
  { name: 'keys generate: an existing name', args: ['keys', 'generate', 'alice', '--out', at('keys')], exit: ExitCode.InvalidInput, code: 'E_KEY_EXISTS', names: [join(at('keys'), 'alice.key')] },
  { name: 'keys generate: a name with a slash', args: ['keys', 'generate', '../alice', '--out', at('keys')], ...INPUT, names: ['name'] },
  { name: 'keys generate: --out a file', args: ['keys', 'generate', 'bob', '--out', at('a-file')], ...INPUT, names: ['out', at('a-file'), 'EEXIST'] },
  { name: 'plan --out under a file', args: ['plan', at('policy.md'), '--out', join(at('a-file'), 'plan.json'), '@target'], ...INPUT, limitMs: 10_000, names: ['out', join(at('a-file'), 'plan.json')] },
];

/** Borderline but valid: BOM, CRLF, Unicode, emoji headings, fenced `#`: planned, read-only, nothing written. */
const accepted: CorpusCase[] = ['bom.json', 'crlf.ndjson', 'crlf.md', 'emoji.md', 'unicode.json', 'fence.md'].map((name) => ({
  name: `accepted: ${name}`, args: ['plan', at(name), '@target', '--json'], exit: ExitCode.Ok, code: null, limitMs: 10_000, names: ['"planHash"'],
}));

const withTarget = (args: readonly string[]) => args.flatMap((a) => (a === '@target' ? target() : a === '@run' ? [runId] : [a]));

// Skipped only where no PostgreSQL is given (a developer's run on PGlite alone): importing test/support/targets.ts
// throws when CUTTER_REQUIRE_POSTGRES=1 without CUTTER_TEST_DATABASE_URL, so CI can never skip this tier silently.
describe.skipIf(POSTGRES_URL === undefined || POSTGRES_URL === '')('bad --key, configuration, --data-dir and --out inputs (PostgreSQL; CI sets CUTTER_TEST_DATABASE_URL)', () => {
  beforeAll(async () => {
    await mkdir(at('a-folder'), { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(at(name), content);
    await mkdir(at('notes'));
    await writeFile(join(at('notes'), 'notes.txt'), 'mine');
    await mkdir(at('broken-cluster'));
    await writeFile(join(at('broken-cluster'), 'PG_VERSION'), 'not a version\n');
    await mkdir(at('keys'), { mode: 0o700 });
    await writeFile(join(at('keys'), 'alice.key'), alice.privateKey, { mode: 0o600 });
    const root = new pg.Client({ connectionString: POSTGRES_URL });
    await root.connect();
    await root.query(`CREATE DATABASE ${dbName}`);
    await root.end();
    const url = new URL(POSTGRES_URL ?? '');
    url.pathname = `/${dbName}`;
    dsn = url.toString();
    expect(await main(['init', ...target()], captureTerminal())).toBe(ExitCode.Ok);
    const started = captureTerminal();
    expect(await main(['run', at('policy.md'), '--initiator', 'carol', '--config', at('config.json'), '--json', ...target()], started)).toBe(ExitCode.Ok);
    runId = (JSON.parse(started.out.join('\n')) as { runId: string }).runId;
  }, 60_000);

  afterAll(async () => {
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    if (dsn === '') return;
    const root = new pg.Client({ connectionString: POSTGRES_URL });
    await root.connect();
    await root.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await root.end();
  });

  it.each(cases)('$name', async (c) => {
    // Commands that open a target get this database (keys generate and --data-dir cases take none).
    const opens = ['approve', 'config', 'plan'].includes(c.args[0] ?? '') && !c.args.includes('@target');
    await expectCase({ ...c, args: withTarget(opens ? [...c.args, '@target'] : c.args) }, nothingWritten);
  });

  it.each(accepted)('$name', async (c) => {
    await expectCase({ ...c, args: withTarget(c.args) }, nothingWritten);
  });

  // A missing option is usage (exit 2) or invalid input (exit 3): issue 18 asks for 2, which another change makes; either
  // way it is met before the run is restored, so nothing is journalled.
  it.each([
    ['approve', '--gate', 'cut', '--as', 'alice', '--reason', 'r'],
    ['approve', '--gate', 'cut', '--as', 'alice', '--key', 'KEY'],
    ['reject', '--gate', 'cut', '--as', 'alice'],
    ['reject', '--as', 'alice', '--reason', 'r'],
    ['cancel', '--reason', 'r'],
    ['escalate', '--as', 'alice'],
    ['policy', 'bind', '--as', 'alice'],
  ])('a missing option, before anything is restored: %s %s %s %s %s %s', async (...args) => {
    const [command, ...rest] = args;
    const line = [...(command === 'policy' ? ['policy', rest.shift() ?? ''] : [command]), runId, ...rest.map((a) => (a === 'KEY' ? join(at('keys'), 'alice.key') : a)), '--config', at('config.json'), ...target()];
    const before = await nothingWritten();
    const terminal = captureTerminal();
    const code = await main(line, terminal);
    expect([ExitCode.Usage, ExitCode.InvalidInput], terminal.err.join('\n')).toContain(code);
    expect(terminal.err.join('\n')).toMatch(/--(gate|as|reason|key)\b/);
    expect(await nothingWritten()).toEqual(before);
  });

  // Last: the same approval with the right key goes through and is journalled, so the fingerprint above would have
  // seen a restore had any bad key reached the run.
  it('the control: the right key approves, and the run is restored and journalled', async () => {
    const before = await counts();
    const terminal = captureTerminal();
    const code = await main(['approve', runId, '--gate', 'cut', '--as', 'alice', '--reason', 'reviewed', '--key', join(at('keys'), 'alice.key'), '--config', at('config.json'), ...target()], terminal);
    expect(code, terminal.err.join('\n')).toBe(ExitCode.Ok);
    const after = await counts();
    expect(after.restored).toBe(Number(before.restored) + 1);
    expect(Number(after.journal)).toBeGreaterThan(Number(before.journal));
  }, 30_000);
});
