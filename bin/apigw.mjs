#!/usr/bin/env node
// The apigw command line: registers tsx's ESM loader (the package runs TypeScript without a
// build step) and runs src/cli/main.ts. See README "Command line".
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/cli/main.ts", import.meta.url).href);
