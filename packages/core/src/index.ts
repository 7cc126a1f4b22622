// The public surface of @mostrador/core: the pure domain shared by terminal and server.
export * from './auth/auth-schemas';
export * from './auth/permissions';
export * from './cart';
export * from './catalog/catalog-schemas';
export * from './errors/error-catalog';
export * from './facts';
export * from './money';
export * from './quantity';
export * from './sync';
export * from './tax';
export * from './tender';
