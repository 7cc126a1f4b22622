import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord, RECORD_HEADER_BYTES } from './log-record';
import { isTerminalStoreError } from './terminal-store-error';

function fileOf(payloads: string[]): { file: Buffer; starts: number[] } {
  const records: Buffer[] = [];
  const starts: number[] = [];
  let offset = 0;
  for (const payload of payloads) {
    const record = encodeRecord(Buffer.from(payload), offset);
    starts.push(offset);
    records.push(record);
    offset += record.length;
  }
  return { file: Buffer.concat(records), starts };
}

const payloads = fc.array(fc.string({ minLength: 1, maxLength: 60 }), { minLength: 2, maxLength: 6 });

describe('log records', () => {
  it('decode to the payloads they were encoded from', () => {
    fc.assert(
      fc.property(payloads, (texts) => {
        const { file } = fileOf(texts);
        const decoded = decodeRecords(file, 'log');
        expect(decoded.payloads.map((payload) => payload.toString())).toEqual(texts);
        expect(decoded).toMatchObject({ validBytes: file.length, tornTail: false });
      }),
    );
  });

  it('treat the last record cut anywhere as a torn tail, ending at the record before it', () => {
    fc.assert(
      fc.property(payloads, fc.nat(), (texts, cutSeed) => {
        const { file, starts } = fileOf(texts);
        const lastStart = starts.at(-1) as number;
        const cut = lastStart + (cutSeed % (file.length - lastStart));
        const decoded = decodeRecords(file.subarray(0, cut), 'log');
        expect(decoded).toMatchObject({ validBytes: lastStart, tornTail: cut > lastStart });
        expect(decoded.payloads).toHaveLength(texts.length - 1);
      }),
    );
  });

  it('treat any damaged byte in the last record, or zeros after it, as a torn tail', () => {
    fc.assert(
      fc.property(payloads, fc.nat(), fc.integer({ min: 1, max: 255 }), (texts, offsetSeed, mask) => {
        const { file, starts } = fileOf(texts);
        const lastStart = starts.at(-1) as number;
        const damaged = Buffer.from(file);
        const offset = lastStart + (offsetSeed % (file.length - lastStart));
        damaged[offset] = (damaged[offset] ?? 0) ^ mask;
        expect(decodeRecords(damaged, 'log')).toMatchObject({ validBytes: lastStart, tornTail: true });
        const zeros = Buffer.concat([file, Buffer.alloc(RECORD_HEADER_BYTES + (offsetSeed % 5000))]);
        expect(decodeRecords(zeros, 'log')).toMatchObject({ validBytes: file.length, tornTail: true });
      }),
    );
  });

  it('refuse any damaged byte in a record that good records follow', () => {
    fc.assert(
      fc.property(payloads, fc.nat(), fc.integer({ min: 1, max: 255 }), (texts, offsetSeed, mask) => {
        const { file, starts } = fileOf(texts);
        const lastStart = starts.at(-1) as number;
        const damaged = Buffer.from(file);
        const offset = offsetSeed % lastStart;
        damaged[offset] = (damaged[offset] ?? 0) ^ mask;
        let outcome: unknown = null;
        try {
          decodeRecords(damaged, 'log');
        } catch (error) {
          outcome = error;
        }
        expect(isTerminalStoreError(outcome, 'STORE_CORRUPT')).toBe(true);
      }),
    );
  });

  it('do not accept a record copied to another offset', () => {
    const record = encodeRecord(Buffer.from('{"moved":true}'), 0);
    const shifted = Buffer.concat([encodeRecord(Buffer.from('{"first":true}'), 0), record]);
    expect(decodeRecords(shifted, 'log')).toMatchObject({ tornTail: true });
    expect(decodeRecords(shifted, 'log').payloads).toHaveLength(1);
  });
});
