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
  CONFLICT_ALREADY_RESOLVED: {
    es: 'El conflicto ya fue resuelto.',
    en: 'The conflict is already resolved.',
  },
  QUARANTINE_ALREADY_DECIDED: {
    es: 'Ese registro en cuarentena ya fue aceptado o rechazado.',
    en: 'That quarantined record was already accepted or rejected.',
  },
  FACT_ALREADY_APPLIED: {
    es: 'Ese registro ya está aplicado; no se aplica dos veces.',
    en: 'That record is already applied; it is not applied twice.',
  },
  INTERNAL_ERROR: {
    es: 'Error interno; el equipo técnico fue notificado.',
    en: 'Internal error; the technical team was notified.',
  },
  // The terminal engine (issue 3): outcomes a cashier or a manager sees at the till.
  TERMINAL_NOT_ACTIVATED: {
    es: 'Esta terminal aún no está activada; un gerente debe activarla.',
    en: 'This terminal is not activated yet; a manager must activate it.',
  },
  TERMINAL_ALREADY_ACTIVATED: {
    es: 'Esta terminal ya está activada.',
    en: 'This terminal is already activated.',
  },
  TERMINAL_REVOKED: {
    es: 'Esta terminal fue dada de baja: puede enviar lo pendiente, pero no registrar ventas nuevas.',
    en: 'This terminal was revoked: it can send what is pending but cannot record new sales.',
  },
  TERMINAL_REACTIVATION_REQUIRED: {
    es: 'El servidor detectó otra copia de esta terminal; un gerente debe reactivarla. Las ventas guardadas se conservan.',
    en: 'The server detected another copy of this terminal; a manager must re-activate it. Stored sales are kept.',
  },
  TERMINAL_OPEN_ELSEWHERE: {
    es: 'Esta terminal ya está abierta en otra pestaña, ventana o proceso; solo esa puede registrar ventas.',
    en: 'This terminal is already open in another tab, window or process; only that one can record sales.',
  },
  DEVICE_KEY_MISSING: {
    es: 'Falta la llave de firma de esta terminal; un gerente debe reactivarla.',
    en: "This terminal's signing key is missing; a manager must re-activate it.",
  },
  ACTIVATION_REFUSED: {
    es: 'El servidor rechazó la activación; revise el usuario, la contraseña y la tienda.',
    en: 'The server refused the activation; check the user, the password and the store.',
  },
  SERVER_UNREACHABLE: {
    es: 'No se pudo contactar al servidor; se reintentará solo.',
    en: 'The server could not be reached; it will be retried automatically.',
  },
  PENDING_FACTS_NOT_SYNCED: {
    es: 'Hay ventas o movimientos sin enviar al servidor; sincronice antes de continuar.',
    en: 'Some sales or movements have not reached the server yet; sync before continuing.',
  },
  LOCAL_DATA_NOT_LOADED: {
    es: 'La terminal aún no tiene el catálogo y la configuración de la tienda; conéctela una vez para cargarlos.',
    en: "The terminal does not have the store's catalog and settings yet; connect it once to load them.",
  },
  PRODUCT_NOT_FOUND: {
    es: 'No hay ningún producto con ese código.',
    en: 'No product has that code.',
  },
  PRICE_NOT_FOUND: {
    es: 'El producto no tiene precio en esta tienda.',
    en: 'The product has no price at this store.',
  },
  TAX_RATE_NOT_FOUND: {
    es: 'El producto no tiene tasa de impuesto en esta tienda.',
    en: 'The product has no tax rate at this store.',
  },
  QUANTITY_INVALID: {
    es: 'La cantidad no es válida.',
    en: 'The quantity is not valid.',
  },
  QUANTITY_NOT_POSITIVE: {
    es: 'La cantidad debe ser mayor que cero.',
    en: 'The quantity must be above zero.',
  },
  QUANTITY_NOT_WHOLE: {
    es: 'Este producto se vende por unidad entera.',
    en: 'This product is sold in whole units.',
  },
  QUANTITY_ABOVE_LIMIT: {
    es: 'La cantidad supera el máximo por línea.',
    en: 'The quantity is above the per-line limit.',
  },
  CART_LINE_LIMIT_REACHED: {
    es: 'La venta llegó al máximo de líneas.',
    en: 'The sale has reached the line limit.',
  },
  LINE_NOT_FOUND: {
    es: 'Esa línea no está en la venta.',
    en: 'That line is not in the sale.',
  },
  DISCOUNT_INVALID: {
    es: 'El descuento no es válido.',
    en: 'The discount is not valid.',
  },
  DISCOUNT_EXCEEDS_AMOUNT: {
    es: 'El descuento es mayor que el importe.',
    en: 'The discount is larger than the amount.',
  },
  DISCOUNT_ABOVE_LIMIT: {
    es: 'El descuento supera su límite; pida autorización a un gerente.',
    en: 'The discount is above your limit; ask a manager to approve it.',
  },
  CART_EMPTY: {
    es: 'La venta no tiene productos.',
    en: 'The sale has no items.',
  },
  NO_TENDERS: {
    es: 'Indique cómo se paga.',
    en: 'Say how it is paid.',
  },
  TOO_MANY_TENDERS: {
    es: 'Demasiadas formas de pago en una venta.',
    en: 'Too many payment methods in one sale.',
  },
  NEGATIVE_TENDER: {
    es: 'Un pago no puede ser negativo.',
    en: 'A payment cannot be negative.',
  },
  NON_CASH_OVERPAYMENT: {
    es: 'Un pago que no es en efectivo no puede superar lo que falta: no da cambio.',
    en: 'A non-cash payment cannot exceed what is left to pay: it gives no change.',
  },
  TENDERS_SHORT: {
    es: 'Lo pagado no alcanza para el total.',
    en: 'What was paid does not cover the total.',
  },
  STOCK_GUARD_BLOCKED: {
    es: 'Sin conexión no se puede vender más de este producto: la existencia conocida, menos lo vendido sin sincronizar y el margen de seguridad, no alcanza.',
    en: 'This product cannot be sold offline: the last known stock, minus unsynced sales and the safety buffer, is not enough.',
  },
  NOT_LOGGED_IN: {
    es: 'Ingrese con su PIN para continuar.',
    en: 'Enter your PIN to continue.',
  },
  APPROVAL_REQUIRED: {
    es: 'Esta acción requiere el PIN de un gerente.',
    en: "This action needs a manager's PIN.",
  },
  REASON_REQUIRED: {
    es: 'Indique el motivo (hasta 500 caracteres).',
    en: 'Give the reason (up to 500 characters).',
  },
  SALE_NOT_FOUND: {
    es: 'La venta no está en el historial de esta terminal.',
    en: "The sale is not in this terminal's history.",
  },
  SALE_ALREADY_VOIDED: {
    es: 'La venta ya fue anulada.',
    en: 'The sale was already voided.',
  },
  SALE_HAS_REFUNDS: {
    es: 'La venta tiene devoluciones; no se puede anular completa.',
    en: 'The sale has refunds; it cannot be voided as a whole.',
  },
  REFUND_LINE_NOT_FOUND: {
    es: 'Esa línea no pertenece a la venta.',
    en: 'That line does not belong to the sale.',
  },
  REFUND_QUANTITY_EXCEEDED: {
    es: 'Se quiere devolver más de lo vendido.',
    en: 'More is being refunded than was sold.',
  },
  REFUND_TOTAL_ZERO: {
    es: 'La devolución no tiene importe.',
    en: 'The refund has no amount.',
  },
  REFUND_TENDERS_MISMATCH: {
    es: 'Las formas de devolución no suman el total a devolver.',
    en: 'The refund payments do not add up to the refund total.',
  },
  SHIFT_NOT_OPEN: {
    es: 'No hay un turno abierto en esta terminal.',
    en: 'No shift is open on this terminal.',
  },
  SHIFT_ALREADY_OPEN: {
    es: 'Ya hay un turno abierto en esta terminal.',
    en: 'A shift is already open on this terminal.',
  },
  AMOUNT_INVALID: {
    es: 'El importe no es válido.',
    en: 'The amount is not valid.',
  },
  COUNT_INVALID: {
    es: 'El conteo de efectivo no es válido.',
    en: 'The cash count is not valid.',
  },
  RETENTION_INVALID: {
    es: 'El período de conservación no es válido.',
    en: 'The retention period is not valid.',
  },
  PLANNED_OFFLINE: {
    es: 'La terminal está en modo sin conexión planificado.',
    en: 'The terminal is in planned offline mode.',
  },
  SYNC_OUTCOME_UNKNOWN: {
    es: 'No se supo si el servidor recibió el envío; se reenviará lo mismo.',
    en: 'It is not known whether the server got the upload; the same will be sent again.',
  },
  SYNC_REFUSED: {
    es: 'El servidor rechazó la sincronización.',
    en: 'The server refused the sync.',
  },
  SYNC_FACT_REJECTED: {
    es: 'El servidor rechazó un registro de esta terminal; avise a soporte.',
    en: 'The server rejected a record from this terminal; tell support.',
  },
  SYNC_FACTS_NOT_RETAINED: {
    es: 'El servidor pide registros que esta terminal ya no conserva; avise a soporte.',
    en: 'The server asks for records this terminal no longer keeps; tell support.',
  },
  EXPORT_UNREADABLE: {
    es: 'El archivo exportado no se puede leer.',
    en: 'The export file cannot be read.',
  },
  CHAIN_BROKEN: {
    es: 'La cadena de registros está rota: falta, sobra o se alteró un registro.',
    en: 'The chain of records is broken: a record is missing, extra or altered.',
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
