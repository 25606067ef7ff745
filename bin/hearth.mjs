#!/usr/bin/env -S node --max-old-space-size=384
// The `hearth` command: the same services as the server, without HTTP. TypeScript runs through tsx.
// The heap limit keeps V8 from growing lazily towards its machine-sized default (GBs) during long imports: a
// million-row import stays well under 500 MB. It applies when the file is run as a program (npx hearth, ./bin).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
