import type { EntryDataByType, NewEntry } from '@app/contracts/entry-types';
import { OPERATOR_EVENT_ID_PREFIX } from '../operations';

/** The fact's eventId: one per pseudonym, so a shred asked for twice (or retried after a crash) is one fact. */
export function subjectShreddedEventId(pseudonym: string): string {
  return `${OPERATOR_EVENT_ID_PREFIX}subject-shredded:${pseudonym}`;
}

/**
 * The `SubjectShredded` fact of a shred, on demand or by the policy: a system entry in the
 * tenant's stream, without a subject part (it holds no personal data, the pseudonym only).
 */
export function subjectShreddedFact(
  tenantId: string,
  data: EntryDataByType['SubjectShredded'],
  occurredAt: string,
): NewEntry<'SubjectShredded'> {
  return {
    eventId: subjectShreddedEventId(data.pseudonym),
    tenantId,
    type: 'SubjectShredded',
    occurredAt,
    data,
    subject: null,
    source: null,
  };
}
