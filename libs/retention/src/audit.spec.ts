import { auditView } from './audit';
import type { Obligation } from './obligation';

const base: Obligation = {
  obligationId: 'ob.data-deleted.00000000000000000000000000000000',
  tenantId: 't1',
  region: 'eu',
  store: 'main',
  target: { kind: 'data', dataId: 'd1' },
  reason: 'data-deleted',
  triggeredAt: '2025-01-01T00:00:00.000Z',
  dueAt: '2025-01-01T00:00:00.000Z',
  deadline: '2025-01-31T00:00:00.000Z',
  status: 'scheduled',
  policyVersion: 'default-2025-01',
  flags: [],
};
const issued = { commands: [{ commandId: 'c1', issuedAt: '2025-01-02T00:00:00.000Z', attempt: 1 }] };
const asOf = (iso: string) => new Date(iso);

describe('auditView: met / breached / pending / held for the compliance report', () => {
  it('met: confirmed at or before the deadline', () => {
    const view = auditView(
      { ...base, ...issued, status: 'confirmed', confirmedAt: '2025-01-31T00:00:00.000Z' },
      asOf('2026-01-01T00:00:00Z'),
    );
    expect(view).toEqual({
      obligationId: base.obligationId,
      verdict: 'met',
      triggeredAt: base.triggeredAt,
      dueAt: base.dueAt,
      deadline: base.deadline,
      issuedAt: '2025-01-02T00:00:00.000Z',
      confirmedAt: '2025-01-31T00:00:00.000Z',
    });
  });

  it('breached: confirmed after the deadline', () => {
    const view = auditView(
      { ...base, ...issued, status: 'confirmed', confirmedAt: '2025-02-01T00:00:00.000Z' },
      asOf('2025-02-02T00:00:00Z'),
    );
    expect(view).toMatchObject({ verdict: 'breached', lateByMs: 86_400_000 });
  });

  it('breached: not confirmed and past the deadline at asOf', () => {
    expect(auditView({ ...base, ...issued, status: 'issued' }, asOf('2025-02-01T00:00:00Z'))).toMatchObject({
      verdict: 'breached',
      lateByMs: 86_400_000,
    });
    expect(auditView({ ...base, status: 'failed' }, asOf('2025-02-01T00:00:00Z')).verdict).toBe('breached');
  });

  it('pending: not confirmed, deadline ahead', () => {
    expect(auditView(base, asOf('2025-01-31T00:00:00Z')).verdict).toBe('pending');
    expect(auditView({ ...base, ...issued, status: 'issued' }, asOf('2025-01-10T00:00:00Z')).verdict).toBe(
      'pending',
    );
  });

  it('held: an unreleased hold suspends the clock, even past the unextended deadline', () => {
    expect(
      auditView(
        { ...base, status: 'held', heldSince: '2025-01-10T00:00:00.000Z', holdIds: ['h1'] },
        asOf('2025-06-01T00:00:00Z'),
      ).verdict,
    ).toBe('held');
  });

  it('breached: a hold placed after the deadline had passed does not excuse it', () => {
    expect(
      auditView(
        { ...base, status: 'held', heldSince: '2025-02-10T00:00:00.000Z' },
        asOf('2025-06-01T00:00:00Z'),
      ).verdict,
    ).toBe('breached');
  });

  it('cancelled: reactivated before anything was issued', () => {
    expect(
      auditView(
        {
          ...base,
          reason: 'subscription-ended',
          status: 'cancelled',
          cancelledAt: '2025-01-05T00:00:00.000Z',
        },
        asOf('2025-06-01T00:00:00Z'),
      ).verdict,
    ).toBe('cancelled');
  });
});
