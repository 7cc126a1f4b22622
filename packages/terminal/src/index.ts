// The public surface of @mostrador/terminal.
export {};
