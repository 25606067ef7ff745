#!/usr/bin/env node
// The `hearth` command: the same services as the server, without HTTP. TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
