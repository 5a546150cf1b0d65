import { RECEIPT_ERROR_MAX, receiptErrorText } from './error-text';
import { deletionCommand } from './testing/deletion-command.fixture';

describe('receiptErrorText', () => {
  const cmd = deletionCommand({
    target: { kind: 'subject', subjectId: 'alice@example.com', categories: ['personal'] },
  });

  it('keeps the message, never the stack', () => {
    const error = new Error('disk full');
    expect(receiptErrorText(error, cmd)).toBe('disk full');
    expect(receiptErrorText(error, cmd)).not.toContain('at ');
  });

  it('blanks the subject identifier', () => {
    expect(receiptErrorText(new Error('no rows for alice@example.com (alice@example.com)'), cmd)).toBe(
      'no rows for [subject] ([subject])',
    );
  });

  it('does not render thrown non-Errors, which may hold row data', () => {
    expect(receiptErrorText({ row: { email: 'alice@example.com' } }, cmd)).toMatch(/non-Error/);
  });

  it('is bounded and free of control characters', () => {
    const text = receiptErrorText(new Error('x\u0000'.repeat(5000)), cmd);
    expect(text.length).toBe(RECEIPT_ERROR_MAX);
    expect(text.includes('\u0000')).toBe(false);
  });

  it('never cuts a surrogate pair in half when it truncates', () => {
    for (const pad of [RECEIPT_ERROR_MAX - 2, RECEIPT_ERROR_MAX - 1, RECEIPT_ERROR_MAX]) {
      const text = receiptErrorText(new Error('x'.repeat(pad) + '\u{1F4A5}'.repeat(10)), cmd);
      expect(Buffer.from(text).toString()).toBe(text);
      expect(text.length).toBeLessThanOrEqual(RECEIPT_ERROR_MAX);
    }
  });
});
