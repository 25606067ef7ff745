import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

// Each page its own chunk: the list does not load the builder; the survey page loads its tabs as they are opened.
const SurveyListPage = lazyPage(() => import('./SurveyListPage'), 'SurveyListPage');
const SurveyPage = lazyPage(() => import('./SurveyPage'), 'SurveyPage');

/** /surveys/*: the list, and a survey's page (/surveys/:id/design | send | results). */
export function SurveysRoutes() {
  return (
    <Routes>
      <Route index element={<SurveyListPage />} />
      <Route path=":id" element={<SurveyPage />} />
      <Route path=":id/:tab" element={<SurveyPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
