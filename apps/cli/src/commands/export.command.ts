import { Command } from 'commander';

export function exportCommand(): Command {
  return new Command('export').description('write an evidence bundle');
}
