import { createHash } from 'node:crypto';

/**
 * Deterministic: every dispatcher (and every restart) derives the same id for the same
 * obligation and attempt, so the ledger's eventId idempotency is the claim that only
 * one `DeletionCommandIssued` per attempt ever exists.
 */
export function commandIdFor(obligationId: string, attempt: number): string {
  return 'c-' + createHash('sha256').update(`${obligationId}\n${attempt}`).digest('hex').slice(0, 32);
}

export { issuedEventId } from '@app/contracts';
