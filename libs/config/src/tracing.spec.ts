import { contextFromHeaders, inSpan, openSpan, startTracing, tracingOn } from './tracing';

describe('tracing', () => {
  it('is off without an endpoint: spans are not made, headers not read or written', async () => {
    const t = startTracing({});
    expect(tracingOn()).toBe(false);
    expect(openSpan('x', {})).toBeUndefined();
    expect(contextFromHeaders({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` })).toBeUndefined();
    expect(await inSpan('x', {}, async (ctx) => ctx)).toBeUndefined();
    await t.shutdown();
  });
});
