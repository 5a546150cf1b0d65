import { Command } from 'commander';

export function verifyBundleCommand(): Command {
  return new Command('verify-bundle').description('check an evidence bundle offline');
}
