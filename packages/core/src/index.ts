// The public surface of @mostrador/core.
export {};
