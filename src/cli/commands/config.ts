import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { privilegeBoundaryOf } from '../../postgres/privilege-boundary.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { targetFromOptions, withTargetOptions, type TargetOptions } from '../target-options.js';
import { ExitCode } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';
import { counted } from '../../text/plural.js';

/** Registers `cutter config check`. */
export function registerConfig(program: Command, terminal: Terminal, setExit: (code: ExitCode) => void): void {
  const check = program
    .command('config')
    .description('the configuration file')
    .command('check');
  withTargetOptions(check)
    .description('validate the configuration (approvers\' keys readable, the approval policy, backup settings) and print what was read, with what the target\'s roles are worth as a privilege boundary; errors name the field')
    .option('--config <file>', 'configuration file; default $CUTTER_CONFIG, else ./cutter.config.json or .cutter/cutter.config.json')
    .option('--json', 'print JSON', false)
    .action(async (options: TargetOptions & { config?: string; json: boolean }) => {
      const config = await loadConfig(options.config);
      const policy = resolvePolicy(config.approvalPolicy);
      const roles = privilegeBoundaryOf(targetFromOptions(options));
      const summary = {
        roles,
        source: config.source, approvers: Object.keys(config.approvers), allowSelfApproval: config.allowSelfApproval, backup: config.backup, leaseSeconds: config.leaseSeconds,
        policy: { hash: policy.hash, gates: policy.document.gates, windows: Object.keys(policy.document.windows), risk: policy.document.risk.map((r) => r.name), allowSameApproverAcrossGates: policy.document.allowSameApproverAcrossGates },
      };
      if (options.json) terminal.line(JSON.stringify(summary, null, 2));
      else {
        terminal.line(`${terminal.green('ok')}: ${config.source ?? '(no file: defaults)'}`);
        terminal.line(`approvers: ${summary.approvers.length === 0 ? '(none: every approval will be refused)' : summary.approvers.join(', ')}`);
        terminal.line(`self-approval: ${config.allowSelfApproval ? 'allowed' : 'refused'}; backup: ${config.backup.kind}; lease: ${config.leaseSeconds}s`);
        terminal.line(`policy ${policy.hash.slice(0, 12)}: one person ${policy.document.allowSameApproverAcrossGates ? 'may' : 'may not'} approve two gates of a run`);
        for (const [gate, rules] of Object.entries(policy.document.gates)) {
          const groups = Object.entries(rules.groups).map(([g, n]) => `${n} of ${g}`);
          terminal.line(`  ${gate}: ${counted(rules.quorum, 'approval')}${groups.length === 0 ? '' : ` incl. ${groups.join(' and ')}`}; lasting ${rules.approvalLifetime.default} (at most ${rules.approvalLifetime.max})${rules.windows.length === 0 ? '' : `; only inside ${rules.windows.join(' or ')}`}`);
        }
        for (const rule of policy.document.risk) terminal.line(`  risk ${rule.name}: raises ${Object.keys(rule.raise).join(', ')} when ${Object.keys(rule.when).join(' and ')}`);
        terminal.line(`roles (${roles.setup}): ${roles.boundary ? terminal.green('a privilege boundary') : terminal.yellow('no privilege boundary')}: ${roles.note}`);
      }
      setExit(ExitCode.Ok);
    });
}
