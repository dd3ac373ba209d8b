#!/usr/bin/env node

// Runs the compiled plugin (lib/). Needs Node >= 22.19; `npm run` scripts put the project's own Node first on PATH.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
