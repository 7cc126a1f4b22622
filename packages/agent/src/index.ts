// The public surface of @mostrador/agent.
export {};
