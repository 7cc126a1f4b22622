/**
 * The permission matrix for ADMIN, MANAGER and CASHIER. The server enforces it on every route
 * and terminals mirror it offline, so it is defined once, here.
 */
export const ROLES = ['ADMIN', 'MANAGER', 'CASHIER'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'catalog.read',
  'catalog.write',
  'prices.write',
  'tax.write',
  'stock.read',
  'stock.receive',
  'stock.adjust',
  'stores.read',
  'stores.write',
  'users.read',
  'users.write',
  'terminals.manage',
  'sale.create',
  'sale.void',
  'refund.issue',
  'discount.override',
  'cash.movement',
  'shift.manage',
  'conflicts.resolve',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MANAGER_PERMISSIONS: readonly Permission[] = [
  'catalog.read',
  'stock.read',
  'stock.receive',
  'stock.adjust',
  'stores.read',
  'users.read',
  'terminals.manage',
  'sale.create',
  'sale.void',
  'refund.issue',
  'discount.override',
  'cash.movement',
  'shift.manage',
  'conflicts.resolve',
  'audit.read',
];

const CASHIER_PERMISSIONS: readonly Permission[] = [
  'catalog.read',
  'stock.read',
  'stores.read',
  'sale.create',
  'cash.movement',
];

export const PERMISSION_MATRIX: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  ADMIN: new Set(PERMISSIONS),
  MANAGER: new Set(MANAGER_PERMISSIONS),
  CASHIER: new Set(CASHIER_PERMISSIONS),
};

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return PERMISSION_MATRIX[role].has(permission);
}

/** Default ceiling for discounts a role may give without an override, in basis points. */
export const DEFAULT_MAX_DISCOUNT_BASIS_POINTS: Readonly<Record<Role, number>> = {
  ADMIN: 10_000,
  MANAGER: 5_000,
  CASHIER: 1_000,
};

/** ADMIN sees every store of the tenant; the others only the stores they are assigned to. */
export function roleSpansAllStores(role: Role): boolean {
  return role === 'ADMIN';
}
