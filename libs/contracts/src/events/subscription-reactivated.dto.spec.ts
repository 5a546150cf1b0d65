import { acceptedDto, problemsOf } from '../testing/dto-expectations';
import { SubscriptionReactivatedDto } from './subscription-reactivated.dto';

describe('SubscriptionReactivatedDto', () => {
  it('accepts the envelope alone', () => {
    const dto = acceptedDto(SubscriptionReactivatedDto, {
      eventId: 'e',
      tenantId: 't',
      occurredAt: '2024-05-01T12:00:00Z',
    });
    expect(dto.eventId).toBe('e');
  });
  it('requires the whole envelope', () => {
    expect(problemsOf(SubscriptionReactivatedDto, {}).map((p) => p.field)).toEqual([
      'eventId',
      'tenantId',
      'occurredAt',
    ]);
  });
});
