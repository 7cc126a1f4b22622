// The public surface of @mostrador/web.
export {};
