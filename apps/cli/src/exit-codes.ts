import { CommanderError, type Command } from 'commander';
import { ConfigError, faultKind } from '@app/config';
import { LedgerNotFoundError, UnknownTenantError } from '@app/ledger';
import { CheckpointInvalidError } from '@app/proof';
import { KafkaSecurityError } from '@app/kafka';

/**
 * The CLI's exit codes (README "Exit codes"): each means one thing, so scripts and
 * auditors can tell "tampered" from "you typed it wrong" from "the store is down".
 */
export const EXIT = {
  ok: 0,
  /** The ledger, a checkpoint or a bundle did not verify. */
  verificationFailed: 1,
  /** Usage or configuration: a mistyped command or option, a bad value, an unknown tenant, a missing ledger. */
  usage: 2,
  /** The store (PostgreSQL, EventStoreDB, a locked SQLite file) or the broker could not be reached. */
  storeUnreachable: 3,
  /** Kafka refused the connection's credentials or certificates (docs/kafka.md). */
  kafkaSecurity: 4,
} as const;

/** Thrown by a command whose check failed after it printed what broke. */
export class VerificationFailedError extends Error {
  override readonly name = 'VerificationFailedError';
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof VerificationFailedError || err instanceof CheckpointInvalidError) {
    return EXIT.verificationFailed;
  }
  if (err instanceof ConfigError || err instanceof LedgerNotFoundError || err instanceof UnknownTenantError) {
    return EXIT.usage;
  }
  if (err instanceof KafkaSecurityError) return EXIT.kafkaSecurity;
  if (faultKind(err) === 'transient') return EXIT.storeUnreachable;
  // Everything else a command throws is a message about what it was asked to do.
  return EXIT.usage;
}

/** Commander errors (unknown command or option, missing argument) exit 2, not commander's 1. */
export function exitOnUsageErrors(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOnUsageErrors(sub);
}

/** The exit code of an error thrown out of `parseAsync` (help and --version are 0). */
export function exitCodeOfParse(err: unknown): number {
  if (err instanceof CommanderError) {
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return exitCodeOf(err);
}
