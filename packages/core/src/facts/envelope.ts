import { z } from 'zod';
import { utcTimestampSchema, uuidSchema, uuidV7Schema } from './fact-fields';
import { factPayloadSchema } from './fact-payload';
import { FACT_PROTOCOL_MIN_SUPPORTED, FACT_PROTOCOL_VERSION } from './protocol-version';

/** A SHA-256 digest as 64 lower-case hex characters. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex characters');

/** An Ed25519 signature (R ‖ S, 64 bytes) as 128 lower-case hex characters. */
export const ed25519SignatureHexSchema = z
  .string()
  .regex(/^[0-9a-f]{128}$/, 'expected 128 lower-case hex characters');

export const protocolVersionSchema = z
  .number()
  .int()
  .min(FACT_PROTOCOL_MIN_SUPPORTED)
  .max(FACT_PROTOCOL_VERSION);

/** A terminal's sequence number: 1 for its first fact, then each next one without gaps. */
export const terminalSequenceSchema = z.number().int().positive();

/** Who recorded the fact, and the manager whose PIN authorised it when an override was needed. */
export const actorSchema = z
  .object({
    userId: uuidSchema,
    approvedByUserId: uuidSchema.nullable(),
  })
  .strict();

/**
 * Everything the hash covers: the envelope without `hash` and `signature`. `prevHash` is the
 * hash of the same terminal's previous fact, or GENESIS_PREV_HASH for sequence 1.
 */
export const unsignedEnvelopeSchema = z
  .object({
    protocolVersion: protocolVersionSchema,
    eventId: uuidV7Schema,
    tenantId: uuidSchema,
    storeId: uuidSchema,
    terminalId: uuidSchema,
    sequence: terminalSequenceSchema,
    deviceTime: utcTimestampSchema,
    // Null until the terminal has synced once; lets the server judge how far the device clock drifted.
    lastServerTime: utcTimestampSchema.nullable(),
    actor: actorSchema,
    payload: factPayloadSchema,
    prevHash: sha256HexSchema,
  })
  .strict();

/** A recorded fact as it travels and is stored: the unsigned envelope plus its hash and signature. */
export const factEnvelopeSchema = unsignedEnvelopeSchema
  .extend({
    hash: sha256HexSchema,
    signature: ed25519SignatureHexSchema,
  })
  .strict();

export type FactActor = z.infer<typeof actorSchema>;
export type UnsignedFactEnvelope = z.infer<typeof unsignedEnvelopeSchema>;
export type FactEnvelope = z.infer<typeof factEnvelopeSchema>;
