#!/usr/bin/env node
// The mostrador-terminal command. The repository runs TypeScript without a build step, so this
// shim registers tsx's loader and hands over to the CLI written in TypeScript.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  write: (text) => process.stdout.write(text),
});
