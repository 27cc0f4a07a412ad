#!/usr/bin/env node
// The operator CLI (`npx idp …`); it runs on the same store and environment as the server.
import('../src/cli/main.ts');
