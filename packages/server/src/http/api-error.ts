import type { ErrorCode } from '@mostrador/core';

/** An error a client can act on: a stable code (messages live in core's ERROR_CATALOG) and a status. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

export const notFound = (details?: unknown) => new ApiError('NOT_FOUND', 404, details);
export const forbidden = (details?: unknown) => new ApiError('FORBIDDEN', 403, details);
