#!/usr/bin/env node
// The installed command. The code lives in dist/ (built by `npm run build`); this shim stays executable.
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
