/** Server messages of idempotent requests (issue #12, `Idempotency-Key`), in both locales; registered by `index.ts` itself. */
export const zhCN = {
  'problem.idempotency_in_progress': '相同的请求正在处理中',
  'problem.idempotency_in_progress.detail': '使用同一个 Idempotency-Key 的请求仍在处理中，请稍后重试',
  'problem.idempotency_key_reused': 'Idempotency-Key 已用于另一个请求',
  'problem.idempotency_key_reused.detail': '这个 Idempotency-Key 已用于内容不同的另一个请求；每次新的提交请使用新的 Idempotency-Key',
  'field.idempotency-key': 'Idempotency-Key 请求头',
} as const;

export const en: Record<keyof typeof zhCN, string> = {
  'problem.idempotency_in_progress': 'The same request is still in progress',
  'problem.idempotency_in_progress.detail': 'A request with the same Idempotency-Key is still being processed; please retry shortly',
  'problem.idempotency_key_reused': 'Idempotency-Key used for another request',
  'problem.idempotency_key_reused.detail': 'This Idempotency-Key was already used for a different request; use a new Idempotency-Key for each new submission',
  'field.idempotency-key': 'Idempotency-Key header',
};
