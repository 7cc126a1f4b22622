// The terminal ↔ server sync protocol: activation, push of facts, pull of state.
export * from './activation';
export * from './conflicts';
export * from './device-credential';
export * from './health';
export * from './protocol-version';
export * from './pull';
export * from './push';
export * from './snapshot';
