import { crc32 } from 'node:zlib';
import { TerminalStoreError } from './terminal-store-error';

/**
 * The framing of the file store's log and snapshot files: a sequence of records, each
 *
 *   bytes 0..4   payload length, unsigned 32-bit little-endian
 *   bytes 4..8   CRC-32 of the payload
 *   bytes 8..12  CRC-32 of bytes 0..8 followed by the record's file offset (64-bit little-endian)
 *   bytes 12..   payload: UTF-8 JSON
 *
 * The header has its own checksum so that a damaged length is recognised as damage instead of
 * sending the reader past the end of the file, and it covers the record's offset so that a record
 * found at any other position (stale blocks, a misplaced write) is not mistaken for a real one.
 * An all-zero header, which a filesystem may leave after a power cut, never passes.
 */
export const RECORD_HEADER_BYTES = 12;
/** The largest payload a reader accepts: a full group commit, with room to spare. */
export const RECORD_PAYLOAD_BYTES_MAX = 80 * 1024 * 1024;

export function encodeRecord(payload: Buffer, offset: number): Buffer {
  if (payload.length === 0 || payload.length > RECORD_PAYLOAD_BYTES_MAX) {
    throw new TerminalStoreError(
      'TOO_LARGE',
      `a record payload of ${payload.length} bytes is outside 1..${RECORD_PAYLOAD_BYTES_MAX}`,
    );
  }
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(payload.length, 0);
  record.writeUInt32LE(crc32(payload), 4);
  record.writeUInt32LE(headerChecksum(record, 0, offset), 8);
  payload.copy(record, RECORD_HEADER_BYTES);
  return record;
}

export interface DecodedRecords {
  readonly payloads: Buffer[];
  /** Bytes from the start of the buffer up to the end of the last good record. */
  readonly validBytes: number;
  /** Whether bytes after the last good record were discarded as a torn append. */
  readonly tornTail: boolean;
}

/**
 * Decodes every record of a file read whole. A damaged record followed by nothing that decodes is
 * what a crash in the middle of the last append leaves (a short write, or zeros or stale blocks
 * where the data had not reached the disk): it is reported as a torn tail for the caller to cut
 * off. A damaged record followed by a good one is damage to data that had been synced, and is an
 * error: nothing after it is skipped silently.
 *
 * The writer keeps that distinction sound by appending only after the previous append's fsync has
 * returned, so at most the last record of a file can be incomplete after a crash.
 */
export function decodeRecords(file: Buffer, fileName: string): DecodedRecords {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    const payloadLength = validRecordLength(file, offset);
    if (payloadLength === null) {
      if (findValidRecordAfter(file, offset + 1)) {
        throw new TerminalStoreError(
          'STORE_CORRUPT',
          `${fileName}: the record at byte ${offset} is damaged and valid records follow it`,
        );
      }
      return { payloads, validBytes: offset, tornTail: true };
    }
    payloads.push(file.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + payloadLength));
    offset += RECORD_HEADER_BYTES + payloadLength;
  }
  return { payloads, validBytes: offset, tornTail: false };
}

/** The payload length of the record at `offset` if the whole record is present and intact. */
function validRecordLength(file: Buffer, offset: number): number | null {
  if (file.length - offset < RECORD_HEADER_BYTES) {
    return null;
  }
  const payloadLength = file.readUInt32LE(offset);
  if (file.readUInt32LE(offset + 8) !== headerChecksum(file, offset, offset)) {
    return null;
  }
  const payloadEnd = offset + RECORD_HEADER_BYTES + payloadLength;
  if (payloadLength === 0 || payloadLength > RECORD_PAYLOAD_BYTES_MAX || payloadEnd > file.length) {
    return null;
  }
  if (crc32(file.subarray(offset + RECORD_HEADER_BYTES, payloadEnd)) !== file.readUInt32LE(offset + 4)) {
    return null;
  }
  return payloadLength;
}

function findValidRecordAfter(file: Buffer, start: number): boolean {
  for (let offset = start; offset + RECORD_HEADER_BYTES <= file.length; offset += 1) {
    // The cheap length test skips most positions before any checksum is computed.
    const payloadLength = file.readUInt32LE(offset);
    if (payloadLength > 0 && offset + RECORD_HEADER_BYTES + payloadLength <= file.length) {
      if (validRecordLength(file, offset) !== null) {
        return true;
      }
    }
  }
  return false;
}

function headerChecksum(buffer: Buffer, headerStart: number, fileOffset: number): number {
  const position = Buffer.allocUnsafe(8);
  position.writeBigUInt64LE(BigInt(fileOffset));
  return crc32(position, crc32(buffer.subarray(headerStart, headerStart + 8)));
}
