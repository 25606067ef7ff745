/**
 * Response schemas of the surveys API (documented in /api/docs/json, checked under the test runner), each tied to its
 * surveys.contract.ts type by responseOf.
 */
import { z } from 'zod';
import { itemsOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  SURVEY_KINDS,
  SURVEY_STATUSES,
  SURVEY_TEMPLATE_KEYS,
  type SurveyListItem,
  type SurveyPage,
  type SurveySettings,
  type SurveyTemplateList,
  type SurveyVersionList,
  type SurveyView,
} from './surveys.contract.js';

const userRef = z.object({ id: z.string(), name: z.string() });
const definition = z.unknown().describe('The definition (questions, branches, SERVQUAL weights): the SurveyDefinition of the request schemas');

export const surveySettings = responseOf<SurveySettings>()(
  z.object({
    expiryDays: z.number().int(),
    maxReminders: z.number().int(),
    reminderAfterDays: z.number().int(),
    fatigueDays: z.number().int(),
    anonymousAllowed: z.boolean(),
  }),
);

const listFields = {
  id: z.string(),
  name: z.string(),
  kind: z.enum(SURVEY_KINDS),
  status: z.enum(SURVEY_STATUSES),
  templateKey: z.enum(SURVEY_TEMPLATE_KEYS).nullable(),
  definitionVersion: z.number().int().describe('The number of the current definition version'),
  responseCount: z.number().int().describe('Complete responses, all versions'),
  invitedCount: z.number().int().describe('Invitations not withdrawn, all versions'),
  responseRate: z.number().nullable().describe('Percent of those invitations answered; null when nobody was invited'),
  owner: userRef.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
};

export const surveyListItem = responseOf<SurveyListItem>()(z.object(listFields));

export const surveyPage = responseOf<SurveyPage>()(pageWithTotalOf(surveyListItem));

export const surveyView = responseOf<SurveyView>()(
  z.object({
    ...listFields,
    settings: surveySettings,
    currentVersionId: z.string(),
    definition,
    partialCount: z.number().int().describe('Responses started and not finished'),
    createdBy: userRef.nullable(),
    version: z.number().int().describe('The row version for optimistic edits (not the definition version)'),
  }),
);

export const surveyVersionList = responseOf<SurveyVersionList>()(
  itemsOf(
    z.object({
      id: z.string(),
      version: z.number().int(),
      definition,
      responseCount: z.number().int(),
      current: z.boolean(),
      createdBy: userRef.nullable(),
      createdAt: z.string(),
    }),
  ),
);

export const surveyTemplateList = responseOf<SurveyTemplateList>()(
  itemsOf(
    z.object({
      key: z.enum(SURVEY_TEMPLATE_KEYS),
      kind: z.enum(SURVEY_KINDS),
      name: z.string(),
      description: z.string(),
      questionCount: z.number().int(),
      definition,
    }),
  ),
);
