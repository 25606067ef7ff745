export { importRoutes } from './imports.routes.js';
export { registerImporter, importKeyOf, sameFileRow, type BatchContext, type ImportField, type Importer, type ImportRow, type RowOutcome } from './importer.js';
export { importOutcome, prepareFileImport, runImport, unfinishedImportIds } from './imports.service.js';
// The demo's import finds its job again on a resume (demo/content.ts).
export { listImports } from './imports.service.js';
export type { Cell } from './reader.js';
export { instantOf, parseAmountFen, parseBoolean, parseDateCell, parseNumber, splitList } from './values.js';
export type { ImportJobView, ImportKind, ImportOptions } from './imports.contract.js';
export { importDashboardTiles } from './dashboard.tiles.js';
export { registerImportFinishedHook, type ImportFinishedEvent, type ImportFinishedHook } from './finished.js';
export { importPersonalData } from './privacy.js'; // rejected rows that hold a person's identifiers, for the PIPL erasure (issue #18)
