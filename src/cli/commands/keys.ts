import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { generateApproverKeyPair } from '../../approvals/index.js';
import { configFileOf } from '../../config/config.js';
import { DefaultPath, makeOutputFolder } from '../../config/cutter-folder.js';
import { InvalidInput, KeyFileExists } from '../../errors/index.js';
import { gitIgnores, gitWorkTreeOf } from '../../files/git-work-tree.js';
import { reasonOf } from '../../files/read-input-file.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

interface KeysOptions {
  readonly out: string;
  readonly force: boolean;
}

/** Private keys and the folder made for them: the owner alone may read them. */
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;

/**
 * The warning for a private key written inside a git work tree: whether git would add it with the next `git add .`
 * decides how loud it is. Null outside a work tree.
 */
export async function privateKeyInWorkTreeWarning(privatePath: string, approver: string): Promise<string | null> {
  const root = gitWorkTreeOf(privatePath);
  if (root === null) return null;
  const ignored = await gitIgnores(privatePath);
  const why = ignored === true
    ? 'git ignores it here; never force-add it'
    : 'git does NOT ignore it: the next `git add .` would stage it. Move it out, or add it to .gitignore';
  return `warning: the private key ${privatePath} is inside the git work tree ${root} (${why}). Give it to ${approver} to keep, and delete it here.`;
}

/** Where to name the public key: in the configuration file in use (or the default one), relative to it, as it is read. */
function configurationLine(name: string, publicPath: string): string {
  let file: string;
  try {
    file = configFileOf(undefined).file;
  } catch {
    return `add to the configuration: "approvers": { "${name}": "${publicPath}" } (a path is read relative to the configuration file)`;
  }
  return `add to ${relative(process.cwd(), file)}: "approvers": { "${name}": "${relative(dirname(file), publicPath)}" }`;
}

/** Writes a new key pair; the private one 0600 whatever the umask, and replaced only with --force. */
async function writeKeyPair(name: string, options: KeysOptions): Promise<{ privatePath: string; publicPath: string }> {
  const privatePath = join(options.out, `${name}.key`);
  const publicPath = join(options.out, `${name}.pub`);
  if (!options.force) {
    // Both are checked before either is written, so a refusal writes nothing.
    const existing = [privatePath, publicPath].find((path) => existsSync(path));
    if (existing !== undefined) throw new KeyFileExists(existing, name);
  }
  try {
    await makeOutputFolder(options.out, PRIVATE_FOLDER_MODE);
  } catch (error) {
    // A file, a device or an unwritable folder where the folder should be: name --out, not an errno.
    throw new InvalidInput('out', `cannot make the folder ${options.out}: ${reasonOf(error)}`);
  }
  const pair = generateApproverKeyPair();
  if (options.force) await Promise.all([rm(privatePath, { force: true }), rm(publicPath, { force: true })]);
  try {
    // `wx`: a file that appeared since the check is not overwritten either.
    await writeFile(privatePath, pair.privateKey, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    await chmod(privatePath, PRIVATE_FILE_MODE);
    await writeFile(publicPath, pair.publicKey, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileExists(existsSync(privatePath) ? privatePath : publicPath, name);
    throw new InvalidInput('out', `cannot write the key pair into ${options.out}: ${reasonOf(error)}`);
  }
  return { privatePath, publicPath };
}

/** Registers `cutter keys generate`. */
export function registerKeys(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('keys')
    .description('approvers\' signing keys')
    .command('generate')
    .description(`make an Ed25519 key pair for an approver: <name>.key (private, mode 600, in a folder of mode 700; keep it with the approver) and <name>.pub (for the configuration), in ${DefaultPath.keys}/ unless --out says otherwise`)
    .argument('<name>', 'the approver\'s name, as it will appear in the configuration')
    .option('--out <dir>', 'where to write the two files', DefaultPath.keys)
    .option('--force', 'replace an existing pair of that name (the old private key then matches nothing new)', false)
    .action(async (name: string, options: KeysOptions) => {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new InvalidInput('name', 'use letters, digits, ".", "_" or "-" (at most 64)');
      const { privatePath, publicPath } = await writeKeyPair(name, options);
      terminal.line(`wrote ${privatePath} (private: keep it with ${name}) and ${publicPath}`);
      terminal.line(configurationLine(name, publicPath));
      const warning = await privateKeyInWorkTreeWarning(privatePath, name);
      if (warning !== null) terminal.error(terminal.yellow(warning));
      setExit(ExitCode.Ok);
    });
}
