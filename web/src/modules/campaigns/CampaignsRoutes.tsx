import { Route, Routes } from 'react-router';
import { lazyPage } from '../../platform/lazyPage';
import { NotFound } from '../../platform/ui';

// Each page its own chunk: the list does not load the wizard or the chart code.
const CampaignListPage = lazyPage(() => import('./CampaignListPage'), 'CampaignListPage');
const CampaignWizardPage = lazyPage(() => import('./CampaignWizardPage'), 'CampaignWizardPage');
const CampaignPage = lazyPage(() => import('./CampaignPage'), 'CampaignPage');

/** /campaigns/*: the list, the wizard (new / edit a draft) and a campaign's page. */
export function CampaignsRoutes() {
  return (
    <Routes>
      <Route index element={<CampaignListPage />} />
      <Route path="new" element={<CampaignWizardPage />} />
      <Route path=":id" element={<CampaignPage />} />
      <Route path=":id/edit" element={<CampaignWizardPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
