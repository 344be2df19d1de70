import { describe, expect, it } from 'vitest';
import { CalibStoreError } from '../../src/errors.js';
import { checkRecordText, forcedComment } from '../../src/deploy/record-text.js';
import { parseHistoryLine } from '../../src/deploy/history.js';

describe('HISTORY text from a request', () => {
  it('accepts printable single-line text and no text', () => {
    expect(() => checkRecordText(undefined, 'comment')).not.toThrow();
    expect(() => checkRecordText('new darks after the bias change', 'comment')).not.toThrow();
    expect(() => checkRecordText('ratio 3:1', 'comment')).not.toThrow();
  });

  it('refuses a control character, naming it and the field', () => {
    expect(() => checkRecordText('a\nfile:0-end.data', 'comment')).toThrow(CalibStoreError);
    expect(() => checkRecordText('a\nb', 'comment')).toThrow(/^comment "a\\nb" contains the control character U\+000A;/);
    expect(() => checkRecordText('cxi\u2028x', 'experiment')).toThrow(/^experiment "cxi\u2028x" contains the control character U\+2028;/);
  });

  it('refuses a field key the record parser would read as another field', () => {
    const forged = 'fine run:42';
    expect(() => checkRecordText(forged, 'comment')).toThrow(/contains "run:", which would read as another field of the HISTORY record/);
    // the reason: in a record line a key after white space starts a field of its own, so the comment would be cut
    const line = `file:0-end.data  copy_of:x  exp:cxi12345  run:1  comment:${forged}  user:u  host:h  cptime:2026-12-06T10:00:00`;
    expect(parseHistoryLine(line).fields.comment).toBe('fine');
  });

  it('adds what a forced deployment overrode to its comment', () => {
    expect(forcedComment('calibman-deploy', [], undefined)).toBe('calibman-deploy');
    const report = { shape: [2, 185, 388] } as unknown as Parameters<typeof forcedComment>[2];
    expect(forcedComment('calibman-deploy', ['shape'], report)).toBe('calibman-deploy forced:detector-check-overridden:found(2,185,388)');
    expect(forcedComment('c', ['type'], undefined)).toBe('c forced:detector-check-overridden:type-mismatch');
  });
});
