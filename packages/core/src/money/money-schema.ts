import { z } from 'zod';
import { currencyCodes } from './currency';

// Schemas for money crossing a boundary (HTTP bodies, facts from devices, files). Past the
// boundary the types are trusted. Objects are strict: an unknown key is refused rather than
// silently dropped, because facts are hashed and signed as they were sent.

export const currencyCodeSchema = z.enum(currencyCodes);

/** An amount in minor units: an integer within Number's safe range (zod's int() enforces it). */
export const amountMinorSchema = z.int();

export const moneySchema = z.strictObject({
  amountMinor: amountMinorSchema,
  currency: currencyCodeSchema,
});
