// The public surface of @mostrador/server.
export {};
