import type { Check } from '../../core/types';
import { accountAlternateContactsConfigured } from './alternateContacts';
import { accountContactsCompanyOwned } from './contactDomains';
import { organizationsMultiAccount, organizationsScpGuardrails } from './organization';
import { supportPlanBusinessOrHigher } from './supportPlan';
import { wellArchitectedFtrReviewRecent } from './wellArchitectedReview';

export const accountChecks: Check[] = [
  accountAlternateContactsConfigured,
  accountContactsCompanyOwned,
  organizationsMultiAccount,
  organizationsScpGuardrails,
  supportPlanBusinessOrHigher,
  wellArchitectedFtrReviewRecent,
];
