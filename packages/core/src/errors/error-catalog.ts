/**
 * Every error code a user or an API client can see, with its message in Spanish (the default)
 * and English. docs/errors.md lists them all; a test keeps the two in step.
 */
export type Language = 'es' | 'en';

export interface ErrorMessages {
  readonly es: string;
  readonly en: string;
}

export const ERROR_CATALOG = {
  VALIDATION_FAILED: {
    es: 'La solicitud no es válida: revise los campos indicados.',
    en: 'The request is not valid: check the listed fields.',
  },
  MALFORMED_JSON: {
    es: 'El cuerpo de la solicitud no es JSON válido.',
    en: 'The request body is not valid JSON.',
  },
  PAYLOAD_TOO_LARGE: {
    es: 'El cuerpo de la solicitud es demasiado grande.',
    en: 'The request body is too large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    es: 'Tipo de contenido no admitido; use application/json.',
    en: 'Unsupported content type; use application/json.',
  },
  NOT_FOUND: { es: 'No se encontró el recurso.', en: 'The resource was not found.' },
  ROUTE_NOT_FOUND: { es: 'La ruta no existe.', en: 'The route does not exist.' },
  REFERENCE_NOT_FOUND: {
    es: 'Un identificador referido no existe.',
    en: 'A referenced identifier does not exist.',
  },
  ALREADY_EXISTS: {
    es: 'Ya existe un registro con ese valor.',
    en: 'A record with that value already exists.',
  },
  UNAUTHENTICATED: {
    es: 'Inicie sesión para continuar.',
    en: 'Sign in to continue.',
  },
  TOKEN_INVALID: {
    es: 'La sesión no es válida o expiró; inicie sesión de nuevo.',
    en: 'The session is invalid or has expired; sign in again.',
  },
  INVALID_CREDENTIALS: {
    es: 'Usuario o contraseña incorrectos.',
    en: 'Wrong user or password.',
  },
  INVALID_PIN: { es: 'PIN incorrecto.', en: 'Wrong PIN.' },
  ACCOUNT_LOCKED: {
    es: 'La cuenta está bloqueada por intentos fallidos; espere o pida a un administrador que la desbloquee.',
    en: 'The account is locked after failed attempts; wait or ask an administrator to unlock it.',
  },
  FORBIDDEN: {
    es: 'No tiene permiso para esta acción.',
    en: 'You do not have permission for this action.',
  },
  STORE_NOT_ASSIGNED: {
    es: 'No está asignado a esta tienda.',
    en: 'You are not assigned to this store.',
  },
  STOCK_WOULD_GO_NEGATIVE: {
    es: 'El ajuste dejaría la existencia en negativo.',
    en: 'The adjustment would leave stock below zero.',
  },
  CURRENCY_MISMATCH: {
    es: 'La moneda no coincide con la de la tienda.',
    en: 'The currency does not match the store currency.',
  },
  CATEGORY_CYCLE: {
    es: 'Una categoría no puede ser su propia antecesora.',
    en: 'A category cannot be its own ancestor.',
  },
  INTERNAL_ERROR: {
    es: 'Error interno; el equipo técnico fue notificado.',
    en: 'Internal error; the technical team was notified.',
  },
} as const satisfies Record<string, ErrorMessages>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function errorMessage(code: ErrorCode, language: Language): string {
  return ERROR_CATALOG[code][language];
}

/** Picks Spanish unless the client prefers English (Accept-Language). */
export function languageFromAcceptLanguage(header: string | undefined): Language {
  if (header === undefined) return 'es';
  const preferred = header
    .split(',')
    .map((part) => {
      const [tag = '', ...parameters] = part.trim().toLowerCase().split(';');
      const quality = parameters.find((parameter) => parameter.trim().startsWith('q='));
      return { tag, quality: quality === undefined ? 1 : Number(quality.trim().slice(2)) || 0 };
    })
    .sort((left, right) => right.quality - left.quality)
    .find(({ tag }) => tag.startsWith('es') || tag.startsWith('en'));
  return preferred?.tag.startsWith('en') === true ? 'en' : 'es';
}
