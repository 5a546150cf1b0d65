import { TopicNames } from '@app/contracts';
import { systemTopicSpecs, topicSpec } from './topic-settings';

describe('topic settings', () => {
  const retentionMs = { commands: 1000, receipts: 2000, deadLetters: 3000, checkpoints: -1 };

  it('gives each kind of system topic its retention; lifecycle topics keep the broker default', () => {
    const specs = systemTopicSpecs(new TopicNames('p.', ['eu']), { create: true, retentionMs });
    const retention = Object.fromEntries(
      specs.map((s) => [s.topic, s.configEntries.find((e) => e.name === 'retention.ms')?.value]),
    );
    expect(retention).toEqual({
      'p.data-created': undefined,
      'p.data-deleted': undefined,
      'p.user-deleted': undefined,
      'p.subscription-ended': undefined,
      'p.subscription-reactivated': undefined,
      'p.legal-hold': undefined,
      'p.deletion-receipts.eu': '2000',
      'p.deletion-commands.eu': '1000',
      'p.lifecycle-dead-letter': '3000',
    });
    expect(
      topicSpec('p.ledger-checkpoints', 'checkpoints', { create: true, retentionMs }).configEntries,
    ).toEqual([{ name: 'retention.ms', value: '-1' }]);
    expect(topicSpec('p.x', 'commands', { create: true, retentionMs }).configEntries).toEqual([
      { name: 'retention.ms', value: '1000' },
      { name: 'segment.ms', value: '1000' },
    ]);
  });

  it('closes segments within a day (or the retention, if shorter), so a quiet topic drops records on time', () => {
    const segment = (kind: 'commands' | 'receipts' | 'deadLetters' | 'checkpoints') =>
      topicSpec('t', kind, {
        create: true,
        retentionMs: {
          commands: 3_600_000,
          receipts: 28 * 86_400_000,
          deadLetters: 86_400_000,
          checkpoints: -1,
        },
      }).configEntries.find((e) => e.name === 'segment.ms')?.value;
    expect(segment('commands')).toBe('3600000');
    expect(segment('receipts')).toBe('86400000');
    expect(segment('deadLetters')).toBe('86400000');
    expect(segment('checkpoints')).toBeUndefined();
    expect(topicSpec('t', 'lifecycle', { create: true }).configEntries).toEqual([]);
  });

  it.each([
    [undefined, undefined],
    [1, undefined],
    [2, undefined],
    [3, '2'],
    [5, '3'],
  ])('replication factor %p: min.insync.replicas %p (a majority from 3 replicas on)', (rf, minIsr) => {
    const spec = topicSpec('t', 'lifecycle', { create: true, replicationFactor: rf });
    expect(spec.configEntries.find((e) => e.name === 'min.insync.replicas')?.value).toBe(minIsr);
  });
});
