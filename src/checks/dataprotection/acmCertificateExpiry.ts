import { ACMClient, DescribeCertificateCommand, paginateListCertificates, type CertificateSummary, type KeyAlgorithm } from '@aws-sdk/client-acm';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

const DAY_MS = 86_400_000;

/** ListCertificates returns only RSA-2048 certificates unless asked for every key type. */
const ALL_KEY_TYPES: KeyAlgorithm[] = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'];

/** DescribeCertificate calls in flight at once, only for summaries that lack a date. */
const DESCRIBE_CONCURRENCY = 8;

interface CertificateDates {
  arn: string;
  domain: string;
  notAfter?: Date;
  inUse?: boolean;
}

export const acmCertificateExpiry: Check = {
  id: 'acm_certificate_expiry',
  refs: ['WAS-DP-2'],
  title: 'TLS certificates in ACM are not about to expire',
  severity: 'high',
  rationale: quote('WAS-DP-2'),
  remediation:
    'Renew or replace the certificate before it expires: fix DNS or e-mail validation so ACM can renew an Amazon-issued certificate, or re-import a renewed one; delete certificates that are no longer used.',
  scope: 'regional',
  kind: 'automated',
  actions: ['acm:DescribeCertificate', 'acm:ListCertificates'],
  async run(ctx) {
    const acm = ctx.aws.client(ACMClient, ctx.region);
    const summaries: CertificateSummary[] = [];
    const query = { Includes: { keyTypes: ALL_KEY_TYPES }, CertificateStatuses: ['ISSUED' as const, 'EXPIRED' as const] };
    for await (const page of paginateListCertificates({ client: acm }, query)) summaries.push(...(page.CertificateSummaryList ?? []));
    const limit = pLimit(DESCRIBE_CONCURRENCY);
    const windowDays = ctx.thresholds.certificateExpiryDays;
    const now = ctx.now().getTime();

    async function dates(summary: CertificateSummary): Promise<CertificateDates> {
      const arn = summary.CertificateArn!;
      if (summary.NotAfter) return { arn, domain: summary.DomainName ?? arn, notAfter: summary.NotAfter, inUse: summary.InUse };
      const detail = (await limit(() => acm.send(new DescribeCertificateCommand({ CertificateArn: arn })))).Certificate;
      return { arn, domain: summary.DomainName ?? arn, notAfter: detail?.NotAfter, inUse: detail?.InUseBy ? detail.InUseBy.length > 0 : undefined };
    }

    function judge(cert: CertificateDates): Finding {
      const label = `Certificate for ${cert.domain}`;
      if (!cert.notAfter) return { resource: cert.arn, status: 'ERROR', message: `${label} has no expiry date in ACM's answer.` };
      const date = cert.notAfter.toISOString().slice(0, 10);
      const daysLeft = Math.floor((cert.notAfter.getTime() - now) / DAY_MS);
      const use = cert.inUse === undefined ? '' : cert.inUse ? ', in use' : ', not in use';
      if (daysLeft < 0) return { resource: cert.arn, status: 'FAIL', message: `${label} expired on ${date}${use}.` };
      return daysLeft < windowDays
        ? { resource: cert.arn, status: 'FAIL', message: `${label} expires on ${date}, in ${daysLeft} days (under ${windowDays})${use}.` }
        : { resource: cert.arn, status: 'PASS', message: `${label} is valid until ${date} (${daysLeft} days)${use}.` };
    }

    return Promise.all(
      summaries.map(async (summary): Promise<Finding> => {
        try {
          return judge(await dates(summary));
        } catch (err) {
          return { resource: summary.CertificateArn!, status: 'ERROR', message: `Could not read certificate ${summary.DomainName}: ${describeError(err)}.` };
        }
      }),
    );
  },
};
