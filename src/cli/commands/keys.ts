import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { generateApproverKeyPair } from '../../approvals/index.js';
import { InvalidInput } from '../../errors/index.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

/** Registers `cutter keys generate`. */
export function registerKeys(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  program
    .command('keys')
    .description('approvers\' signing keys')
    .command('generate')
    .description('make an Ed25519 key pair for an approver: <name>.key (private, mode 600; keep it with the approver) and <name>.pub (for the configuration)')
    .argument('<name>', 'the approver\'s name, as it will appear in the configuration')
    .option('--out <dir>', 'where to write the two files', '.')
    .action(async (name: string, options: { out: string }) => {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new InvalidInput('name', 'use letters, digits, ".", "_" or "-" (at most 64)');
      const pair = generateApproverKeyPair();
      const privatePath = join(options.out, `${name}.key`);
      const publicPath = join(options.out, `${name}.pub`);
      // `wx`: never overwrite an existing key.
      await writeFile(privatePath, pair.privateKey, { mode: 0o600, flag: 'wx' });
      await writeFile(publicPath, pair.publicKey, { mode: 0o644, flag: 'wx' });
      terminal.line(`wrote ${privatePath} (private: keep it with ${name}) and ${publicPath}`);
      terminal.line(`add to the configuration: "approvers": { "${name}": "${publicPath}" }`);
      setExit(ExitCode.Ok);
    });
}
