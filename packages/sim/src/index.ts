// The public surface of @mostrador/sim.
export {};
