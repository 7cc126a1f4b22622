import { z } from 'zod';

/**
 * Sync health: each terminal reports what only it knows — how much is waiting to go up, since when,
 * how long it has been offline — and the history of its connectivity and backlog, including the
 * stretches when it could not reach the server. The server keeps it for the manager's dashboard.
 */
export const HEALTH_REPORT_SAMPLES_MAX = 500;

export const healthSampleSchema = z.strictObject({
  /** The terminal's clock when it took the sample. */
  at: z.iso.datetime(),
  online: z.boolean(),
  pendingCount: z.number().int().nonnegative().max(100_000_000),
});
export type HealthSample = z.infer<typeof healthSampleSchema>;

export const terminalHealthSchema = z.strictObject({
  pendingCount: z.number().int().nonnegative().max(100_000_000),
  oldestPendingAt: z.iso.datetime().nullable(),
  lastSuccessfulSyncAt: z.iso.datetime().nullable(),
  offlineSecondsTotal: z.number().int().nonnegative().max(10_000_000_000),
  headSequence: z.number().int().nonnegative(),
  acknowledgedSequence: z.number().int().nonnegative(),
});
export type TerminalHealth = z.infer<typeof terminalHealthSchema>;

export const healthReportRequestSchema = z.strictObject({
  health: terminalHealthSchema,
  samples: z.array(healthSampleSchema).max(HEALTH_REPORT_SAMPLES_MAX),
});
export type HealthReportRequest = z.infer<typeof healthReportRequestSchema>;

export const healthReportResponseSchema = z.object({ acceptedSamples: z.number().int().nonnegative() });

export const syncHealthQuerySchema = z.strictObject({
  storeId: z.uuid().optional(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});

export const syncHealthTerminalSchema = z.object({
  terminalId: z.uuid(),
  name: z.string(),
  storeId: z.uuid(),
  status: z.string(),
  lastSeenAt: z.iso.datetime().nullable(),
  /** When the terminal last reported its health; null when it never has. */
  lastReportAt: z.iso.datetime().nullable(),
  pendingCount: z.number().int().nullable(),
  oldestPendingAt: z.iso.datetime().nullable(),
  lastSuccessfulSyncAt: z.iso.datetime().nullable(),
  offlineSecondsTotal: z.number().int().nullable(),
  openConflicts: z.number().int().nonnegative(),
  samples: z.array(healthSampleSchema),
});
export type SyncHealthTerminal = z.infer<typeof syncHealthTerminalSchema>;

export const syncHealthResponseSchema = z.object({
  generatedAt: z.iso.datetime(),
  days: z.number().int(),
  terminals: z.array(syncHealthTerminalSchema),
});
export type SyncHealthResponse = z.infer<typeof syncHealthResponseSchema>;
