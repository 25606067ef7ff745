import type { DbOrTx } from '../../platform/db/client.js';
import type { Answers, SurveyDefinition } from './definition.js';

/**
 * The free-text answers of a completed response (问卷的开放题), for the modules that collect customer voice (the feedback
 * inbox). Each hook runs inside the completing transaction, so the response and what a hook writes commit together.
 */
export type SurveyVoiceEvent = {
  responseId: string;
  surveyId: string;
  customerId: string | null;
  /** Each non-empty text answer with its question's Chinese wording. */
  texts: { questionId: string; question: string; text: string }[];
  completedAt: Date;
};

export type SurveyVoiceHook = (db: DbOrTx, e: SurveyVoiceEvent) => Promise<void>;

const hooks = new Set<SurveyVoiceHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerSurveyVoiceHook(fn: SurveyVoiceHook): void {
  hooks.add(fn);
}

/** Calls the hooks with the response's free-text answers, when it has any. */
export async function surveyVoice(db: DbOrTx, e: Omit<SurveyVoiceEvent, 'texts'>, definition: SurveyDefinition, answers: Answers): Promise<void> {
  const texts = definition.questions.flatMap((q) => {
    const v = answers[q.id];
    return q.type === 'text' && typeof v === 'string' && v.trim() ? [{ questionId: q.id, question: q.text.zh, text: v.trim() }] : [];
  });
  if (!texts.length) return;
  for (const fn of hooks) await fn(db, { ...e, texts });
}

/** A completed response (any survey, with or without free text): loyalty gives points for answering. */
export type SurveyCompletedEvent = { responseId: string; surveyId: string; customerId: string | null; completedAt: Date };
export type SurveyCompletedHook = (db: DbOrTx, e: SurveyCompletedEvent) => Promise<void>;

const completedHooks = new Map<string, SurveyCompletedHook>();

/** One hook per name (registering the name again replaces it); each runs inside the completing transaction. */
export function registerSurveyCompletedHook(name: string, fn: SurveyCompletedHook): void {
  completedHooks.set(name, fn);
}

export async function surveyCompleted(db: DbOrTx, e: SurveyCompletedEvent): Promise<void> {
  for (const fn of completedHooks.values()) await fn(db, e);
}
