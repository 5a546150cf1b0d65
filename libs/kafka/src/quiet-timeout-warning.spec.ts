import { quietNegativeTimeoutWarnings } from './quiet-timeout-warning';

describe('quietNegativeTimeoutWarnings', () => {
  it("drops Node 24's TimeoutNegativeWarning (kafkajs#1751) and passes every other warning on", () => {
    const seen: unknown[][] = [];
    const target = { emitWarning: ((...args: unknown[]) => seen.push(args)) as typeof process.emitWarning };
    quietNegativeTimeoutWarnings(target);
    quietNegativeTimeoutWarnings(target); // once only: a second client does not wrap it again
    target.emitWarning('-17 is a negative number.\nTimeout duration was set to 1.', 'TimeoutNegativeWarning');
    target.emitWarning('-17 is a negative number.', { type: 'TimeoutNegativeWarning' });
    target.emitWarning(Object.assign(new Error('-1'), { name: 'TimeoutNegativeWarning' }));
    target.emitWarning('something else', 'ExperimentalWarning');
    expect(seen).toEqual([['something else', 'ExperimentalWarning']]);
  });
});
