import { describe, expect, it } from 'vitest';
import { factEnvelopeSchema, unsignedEnvelopeSchema } from './envelope';
import { exampleUnsignedChain } from './example-facts';
import { FACT_PROTOCOL_MIN_SUPPORTED, FACT_PROTOCOL_VERSION } from './protocol-version';

function exampleUnsigned() {
  const unsigned = exampleUnsignedChain()[1];
  if (unsigned === undefined) throw new Error('the example chain has a second fact');
  return unsigned;
}

const signatureFields = { hash: 'ab'.repeat(32), signature: 'cd'.repeat(64) };
const acceptsUnsigned = (value: unknown) => unsignedEnvelopeSchema.safeParse(value).success;

describe('protocol version', () => {
  it('supports at least the version it writes', () => {
    expect(FACT_PROTOCOL_MIN_SUPPORTED).toBeLessThanOrEqual(FACT_PROTOCOL_VERSION);
  });

  it('refuses envelopes from a newer or a retired protocol', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, protocolVersion: FACT_PROTOCOL_VERSION })).toBe(true);
    expect(acceptsUnsigned({ ...unsigned, protocolVersion: FACT_PROTOCOL_VERSION + 1 })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, protocolVersion: FACT_PROTOCOL_MIN_SUPPORTED - 1 })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, protocolVersion: '1' })).toBe(false);
  });
});

describe('unsignedEnvelopeSchema', () => {
  it('accepts every fact of the example chain', () => {
    for (const unsigned of exampleUnsignedChain())
      expect(unsignedEnvelopeSchema.parse(unsigned)).toEqual(unsigned);
  });

  it('takes event ids as UUIDv7 only', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, eventId: 'a0000000-0000-4000-8000-000000000001' })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, eventId: unsigned.eventId.toUpperCase() })).toBe(false);
  });

  it('takes tenant, store, terminal and actor ids as UUIDs', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, tenantId: 'acme' })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, storeId: null })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, terminalId: 7 })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, actor: { userId: 'ana', approvedByUserId: null } })).toBe(false);
  });

  it('takes positive integer sequences only', () => {
    const unsigned = exampleUnsigned();
    for (const sequence of [0, -1, 1.5, 2 ** 53, '2'])
      expect(acceptsUnsigned({ ...unsigned, sequence })).toBe(false);
  });

  it('takes device time as a UTC instant with milliseconds, and last server time as one or null', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, lastServerTime: null })).toBe(true);
    expect(acceptsUnsigned({ ...unsigned, deviceTime: '2026-11-23T10:15:30Z' })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, deviceTime: Date.parse(unsigned.deviceTime) })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, lastServerTime: '2026-11-23T05:15:30.123-05:00' })).toBe(false);
  });

  it('records the approving manager, or null when no override was needed', () => {
    const unsigned = exampleUnsigned();
    const manager = 'd0000000-0000-4000-8000-000000000002';
    expect(acceptsUnsigned({ ...unsigned, actor: { ...unsigned.actor, approvedByUserId: manager } })).toBe(
      true,
    );
    expect(acceptsUnsigned({ ...unsigned, actor: { userId: unsigned.actor.userId } })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, actor: { ...unsigned.actor, pin: '1234' } })).toBe(false);
  });

  it('takes prevHash as 64 lower-case hex characters', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, prevHash: unsigned.prevHash.toUpperCase() })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, prevHash: unsigned.prevHash.slice(2) })).toBe(false);
  });

  it('refuses unknown fields and the seal fields of a signed envelope', () => {
    const unsigned = exampleUnsigned();
    expect(acceptsUnsigned({ ...unsigned, note: 'x' })).toBe(false);
    expect(acceptsUnsigned({ ...unsigned, ...signatureFields })).toBe(false);
  });

  it('refuses a missing field', () => {
    const { storeId: _storeId, ...withoutStore } = exampleUnsigned();
    expect(acceptsUnsigned(withoutStore)).toBe(false);
  });
});

describe('factEnvelopeSchema', () => {
  it('is the unsigned envelope plus hash and signature', () => {
    const envelope = { ...exampleUnsigned(), ...signatureFields };
    expect(factEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(factEnvelopeSchema.safeParse(exampleUnsigned()).success).toBe(false);
  });

  it('refuses unknown fields and malformed seals', () => {
    const envelope = { ...exampleUnsigned(), ...signatureFields };
    expect(factEnvelopeSchema.safeParse({ ...envelope, receivedAt: 'now' }).success).toBe(false);
    expect(
      factEnvelopeSchema.safeParse({ ...envelope, signature: envelope.signature.slice(2) }).success,
    ).toBe(false);
    expect(factEnvelopeSchema.safeParse({ ...envelope, hash: envelope.hash.toUpperCase() }).success).toBe(
      false,
    );
  });
});
