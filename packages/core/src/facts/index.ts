// The fact format: envelope and payload schemas, canonical encoding, hash chain and signatures.
export {
  CANONICAL_DEPTH_MAX,
  CanonicalEncodingError,
  canonicalEncode,
  canonicalText,
} from './canonical-encoding';
export {
  actorSchema,
  ed25519SignatureHexSchema,
  type FactActor,
  type FactEnvelope,
  factEnvelopeSchema,
  protocolVersionSchema,
  sha256HexSchema,
  terminalSequenceSchema,
  type UnsignedFactEnvelope,
  unsignedEnvelopeSchema,
} from './envelope';
// The money, quantity and tender modules export their own schemas under the plain names; the
// fact variants are exported with a `fact` prefix.
export {
  amountMinorSchema as factAmountMinorSchema,
  currencyCodeSchema as factCurrencyCodeSchema,
  nonNegativeAmountMinorSchema,
  positiveAmountMinorSchema,
  positiveQuantitySchema as factPositiveQuantitySchema,
  quantitySchema as factQuantitySchema,
  REASON_LENGTH_MAX,
  reasonSchema,
  textSchema,
  utcTimestampSchema,
  uuidSchema,
  uuidV7Schema,
} from './fact-fields';
export {
  type CashMovementKind,
  type CashMovementRecorded,
  cashMovementKindSchema,
  cashMovementRecordedSchema,
} from './fact-kinds/cash-movement-recorded';
export {
  type RefundIssued,
  type RefundLine,
  refundIssuedSchema,
  refundLineSchema,
} from './fact-kinds/refund-issued';
export {
  SALE_LINES_MAX,
  type SaleCompleted,
  type SaleLine,
  saleCompletedSchema,
  saleLineSchema,
  TENDERS_MAX,
  type Tender as FactTender,
  tenderSchema as factTenderSchema,
} from './fact-kinds/sale-completed';
export {
  type SaleVoided,
  type StockDestination,
  saleVoidedSchema,
  stockDestinationSchema,
} from './fact-kinds/sale-voided';
export {
  DENOMINATIONS_MAX,
  type DenominationCount,
  denominationCountSchema,
  type ShiftClosed,
  shiftClosedSchema,
} from './fact-kinds/shift-closed';
export { type ShiftOpened, shiftOpenedSchema } from './fact-kinds/shift-opened';
export { FACT_TYPES, type FactPayload, type FactType, factPayloadSchema } from './fact-payload';
export {
  buildSignedFact,
  CHAIN_BREAK_REASONS,
  type ChainBreakReason,
  type ChainHead,
  type ChainVerification,
  type ChainVerificationOptions,
  computeFactHash,
  GENESIS_PREV_HASH,
  hashFact,
  portableSha256Hex,
  type Sha256Hex,
  signedEnvelopeJson,
  verifyChain,
} from './hash-chain';
export { FACT_PROTOCOL_MIN_SUPPORTED, FACT_PROTOCOL_VERSION } from './protocol-version';
export {
  createEd25519Signer,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  type FactSigner,
  verifyFactSignature,
} from './signature';
