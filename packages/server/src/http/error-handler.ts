import { type ErrorCode, errorMessage, languageFromAcceptLanguage } from '@mostrador/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ApiError } from './api-error';

/**
 * Every error leaves as `{ error: { code, message, details? } }` with a stable code and a message
 * in the client's language (Spanish unless it asks for English). Nothing internal leaks.
 */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

const POSTGRES_ERROR_CODES: Record<string, { code: ErrorCode; statusCode: number }> = {
  '23503': { code: 'REFERENCE_NOT_FOUND', statusCode: 422 },
  '23505': { code: 'ALREADY_EXISTS', statusCode: 409 },
  '23514': { code: 'VALIDATION_FAILED', statusCode: 400 },
  '22P02': { code: 'VALIDATION_FAILED', statusCode: 400 },
  '42501': { code: 'FORBIDDEN', statusCode: 403 },
};

const FASTIFY_ERROR_CODES: Record<string, { code: ErrorCode; statusCode: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', statusCode: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', statusCode: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', statusCode: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', statusCode: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_JSON', statusCode: 400 },
};

function classify(error: FastifyError): { code: ErrorCode; statusCode: number; details?: unknown } {
  if (error instanceof ApiError)
    return { code: error.code, statusCode: error.statusCode, details: error.details };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return {
      code: 'VALIDATION_FAILED',
      statusCode: 400,
      details: error.validation.map((issue) => ({
        path: issue.instancePath,
        message: issue.message,
      })),
    };
  }
  if (error.code !== undefined && FASTIFY_ERROR_CODES[error.code] !== undefined) {
    return FASTIFY_ERROR_CODES[error.code]!;
  }
  if (error instanceof SyntaxError && error.statusCode === 400)
    return { code: 'MALFORMED_JSON', statusCode: 400 };
  const postgresCode = (error as { code?: unknown }).code;
  if (typeof postgresCode === 'string' && POSTGRES_ERROR_CODES[postgresCode] !== undefined) {
    const detail = (error as { constraint?: unknown }).constraint;
    return {
      ...POSTGRES_ERROR_CODES[postgresCode]!,
      details: typeof detail === 'string' ? { constraint: detail } : undefined,
    };
  }
  return { code: 'INTERNAL_ERROR', statusCode: 500 };
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { code, statusCode, details } = classify(error);
  if (statusCode >= 500 || isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code, statusCode }, 'request refused');
  }
  const language = languageFromAcceptLanguage(request.headers['accept-language']);
  const body: ErrorBody = {
    error: { code, message: errorMessage(code, language), ...(details === undefined ? {} : { details }) },
  };
  void reply.status(statusCode).send(body);
}
