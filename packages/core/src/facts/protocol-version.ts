/**
 * The version of the fact format: the envelope, the payload schemas, the canonical encoding,
 * the hash and the signature. A terminal stamps FACT_PROTOCOL_VERSION on every fact it records;
 * a reader accepts any version from FACT_PROTOCOL_MIN_SUPPORTED up to the one it knows. Facts
 * are kept forever, so raising the minimum means a migration of stored facts, never a refusal
 * of facts a terminal already acknowledged to a cashier.
 *
 * History:
 * 1 — First version. Envelope with eventId (UUIDv7), tenant, store, terminal, gapless terminal
 *     sequence, device time, last server time, actor, payload, prevHash; hash = SHA-256 of the
 *     RFC 8785 (JCS) subset encoding of the envelope without hash and signature; signature =
 *     Ed25519 over the 32 raw hash bytes. Payloads: SaleCompleted, SaleVoided, RefundIssued,
 *     CashMovementRecorded, ShiftOpened, ShiftClosed.
 */
export const FACT_PROTOCOL_VERSION = 1;

/** The oldest fact format a reader of this version still verifies and applies. */
export const FACT_PROTOCOL_MIN_SUPPORTED = 1;
