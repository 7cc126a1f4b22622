// The Node-only surface of @mostrador/terminal (file store, key file, CLI): kept apart from
// index.ts so that the browser bundle never pulls in node: modules.

export { CLI_USAGE, type CliEnvironment, runCli } from './cli/main';
export { nodeDeviceKeyVault } from './device-key/node-device-key-vault';
export { type NodeTerminal, type NodeTerminalOptions, openNodeTerminal } from './node-terminal';
export { type FileStore, type FileStoreOptions, openFileStore } from './storage/file-store';
export { FakeServer, type FakeServerOptions, type PushRecord } from './testing/fake-server';
