import { LEDGER_CLAIM_NAMESPACE, LEDGER_EVENT_NAMESPACE, uuidV5 } from './event-uuid';

describe('uuidV5', () => {
  it('matches the RFC 4122 reference (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is deterministic, versioned and distinct per namespace', () => {
    const a = uuidV5('evt-1', LEDGER_EVENT_NAMESPACE);
    expect(uuidV5('evt-1', LEDGER_EVENT_NAMESPACE)).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5('evt-2', LEDGER_EVENT_NAMESPACE)).not.toBe(a);
    expect(uuidV5('evt-1', LEDGER_CLAIM_NAMESPACE)).not.toBe(a);
  });
});
