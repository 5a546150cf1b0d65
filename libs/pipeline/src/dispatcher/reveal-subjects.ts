import type { DeletionCommand } from '@app/contracts';
import { isPseudonym } from '@app/contracts/subject-pseudonym';
import type { SubjectKeyStore } from '@app/subject-keys';

/** Commands ready to publish, and those whose subject can no longer be named (with why, pseudonyms only). */
export interface Revealed {
  ready: DeletionCommand[];
  refused: Array<{ command: DeletionCommand; reason: string }>;
}

export type SubjectRevealer = (commands: readonly DeletionCommand[]) => Promise<Revealed>;

/**
 * The read model knows subjects by pseudonym; a regional store needs the subject's id.
 * Right before publishing, each subject target's pseudonym is looked up in the key store
 * and replaced by the id. A pseudonym whose key was shredded (a forced shred) or that the
 * store never issued cannot be named: that command is refused, never sent with a pseudonym.
 * A plain id (a ledger written before sealing) passes as it is.
 */
export function subjectRevealer(keys: SubjectKeyStore): SubjectRevealer {
  return async (commands) => {
    const out: Revealed = { ready: [], refused: [] };
    for (const command of commands) {
      const target = command.target;
      if (target.kind !== 'subject' || !isPseudonym(target.subjectId)) {
        out.ready.push(command);
        continue;
      }
      const found = await keys.lookup(command.tenantId, target.subjectId);
      if (found.state === 'active') {
        out.ready.push({ ...command, target: { ...target, subjectId: found.subjectId } });
      } else {
        out.refused.push({
          command,
          reason:
            found.state === 'shredded'
              ? `subject ${found.pseudonym} was shredded at ${found.shreddedAt}`
              : `subject ${found.pseudonym} is unknown to the subject key store`,
        });
      }
    }
    return out;
  };
}
