import { reservedEventIdPrefix, SYSTEM_EVENT_ID_PREFIXES } from '@app/contracts';
import { OPERATOR_EVENT_ID_PREFIX } from '@app/retention';

// The domain names its operator facts' prefix; the contract's refusal list must carry it,
// or a producer could pre-empt an operator's retry, resolve or extend with a forged id.
describe('system eventId namespaces', () => {
  it("reserves the operator actions' prefix against producers", () => {
    expect(SYSTEM_EVENT_ID_PREFIXES).toContain(OPERATOR_EVENT_ID_PREFIX);
    expect(reservedEventIdPrefix(`${OPERATOR_EVENT_ID_PREFIX}acme-1`)).toBe(OPERATOR_EVENT_ID_PREFIX);
  });
});
