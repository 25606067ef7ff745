// The POST routes idempotency.test.ts does not send twice, each with its reason (kept apart: the list grows with
// every module).

/**
 * POST routes not in CASES, and why. They honour the header all the same (one hook for every POST); these create
 * nothing a repeat could double, or are tested elsewhere.
 */
export const NOT_CASES: Record<string, string> = {
  '/api/v1/auth/login': 'opted out: makes a session (a cookie), never replayed',
  '/api/v1/auth/logout': 'opted out: ends the session',
  '/api/v1/setup': 'once per installation: its own test below',
  '/api/v1/demo': 'a load with the same parameters is never started twice (demo.test.ts); the demo would fill this database',
  '/api/v1/auth/password': 'changes a password: a repeat sets the same one',
  '/api/v1/users/{id}/password': 'sets a password: a repeat sets the same one',
  '/api/v1/customers/{id}/restore': 'state change, not a create',
  '/api/v1/customers/{id}/reveal': 'a read (audited), nothing created',
  '/api/v1/tickets/{id}/reveal': 'a read (audited), nothing created',
  '/api/v1/tags/merge': 'rewrites tags: a repeat finds nothing left to merge',
  '/api/v1/customers/bulk/tags': 'sets tags: a repeat changes nothing',
  '/api/v1/customers/duplicates/dismiss': 'a unique pair: a repeat changes nothing',
  '/api/v1/customers/merges/{id}/undo': 'once per merge (409 after)',
  '/api/v1/custom-fields/{id}/restore': 'state change',
  '/api/v1/transactions/{id}/restore': 'state change',
  '/api/v1/interactions/{id}/restore': 'state change',
  '/api/v1/imports/{id}/cancel': 'state change',
  '/api/v1/message-templates/{id}/restore': 'state change',
  '/api/v1/message-templates/{id}/preview': 'a read',
  '/api/v1/messages/{id}/retry': 'state change of a failed message (409 unless failed)',
  '/api/v1/unsubscribe/{token}': 'withdraws consent: a repeat changes nothing',
  '/api/v1/messages/inbound/sms': "the provider's callback: a TD keyword withdraws consent once",
  '/api/v1/care/rules/preview': 'a read',
  '/api/v1/care/run': 'care_occurrences makes every occasion fire once (care.test.ts)',
  '/api/v1/kb/articles/{id}/restore': 'state change',
  '/api/v1/kb/articles/{id}/versions/{n}/restore': 'state change (a new version); tested below with the same key',
  '/api/v1/kb/suggestions': 'a read',
  '/api/v1/tickets/{id}/status': 'state change',
  '/api/v1/tickets/{id}/assign': 'state change',
  '/api/v1/tickets/{id}/reopen': 'state change; tested below with the same key',
  '/api/v1/tickets/{id}/merge': 'state change',
  '/api/v1/public/tickets/{token}/reopen': 'state change',
  '/api/v1/segments/preview': 'a read',
  '/api/v1/segments/{id}/restore': 'state change',
  '/api/v1/segments/{id}/refresh': 'one active refresh per segment (a unique index): a repeat while it runs answers the same run',
  '/api/v1/segments/{id}/members': 'adds customers to a static list: a repeat finds them members already (segments.test.ts)',
  '/api/v1/segments/{id}/members/remove': 'removes customers from a static list: a repeat finds none to remove',
  '/api/v1/segments/{id}/members/import': 'adds to a static list from a file: a keyed repeat replays the report (export-import.test.ts)',
};
