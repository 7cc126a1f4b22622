export {
  type AppliedTender,
  type SettlementOptions,
  type SettlementOutcome,
  settleTenders,
  type Tender,
  type TenderKind,
  type TenderRefusal,
  type TenderSettlement,
  tenderKinds,
  tendersMax,
} from './tender';
export { tenderKindSchema, tenderReferenceLengthMax, tenderSchema } from './tender-schema';
