import { acceptedDto, problemsOf } from '../testing/dto-expectations';
import { SubscriptionEndedDto } from './subscription-ended.dto';

describe('SubscriptionEndedDto', () => {
  it('accepts the envelope alone', () => {
    const dto = acceptedDto(SubscriptionEndedDto, {
      eventId: 'e',
      tenantId: 't',
      occurredAt: '2024-05-01T12:00:00Z',
    });
    expect(dto.tenantId).toBe('t');
  });
  it('requires the whole envelope', () => {
    expect(problemsOf(SubscriptionEndedDto, {}).map((p) => p.field)).toEqual([
      'eventId',
      'tenantId',
      'occurredAt',
    ]);
  });
});
