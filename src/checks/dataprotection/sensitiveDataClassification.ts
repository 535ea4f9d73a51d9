import { defineAttestation } from '../define';

export const attestSensitiveDataClassification = defineAttestation({
  id: 'attest_sensitive_data_classification',
  refs: ['FTR-12.1'],
  title: 'Sensitive data (PII, PHI) is identified and classified',
  severity: 'medium',
  evidence: 'how sensitive data (PII, PHI, credentials) is identified and classified: the data stores that hold it and their classification, e.g. a data inventory or the Macie findings reviewed',
  remediation:
    'Document the data stores that hold sensitive data and their classification (Macie sensitive data discovery helps for S3), and keep the record current.',
});
