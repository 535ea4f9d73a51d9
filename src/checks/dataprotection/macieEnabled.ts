import { GetMacieSessionCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { errorName } from '../../aws/errors';
import type { Check } from '../../core/types';
import { quote } from '../define';

export const macieEnabled: Check = {
  id: 'macie_enabled',
  refs: ['FTR-12.1'],
  title: 'Amazon Macie discovers sensitive data in S3',
  severity: 'medium',
  rationale: quote('FTR-12.1'),
  remediation:
    'Enable Amazon Macie in each region with S3 data (`aws macie2 enable-macie`) and turn on automated sensitive data discovery; record which data stores hold sensitive data.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    try {
      const session = await ctx.aws.client(Macie2Client, ctx.region).send(new GetMacieSessionCommand({}));
      if (session.status === undefined) throw new Error('GetMacieSession answered without a status');
      return [
        session.status === 'ENABLED'
          ? { resource: 'account', status: 'PASS', message: `Macie is enabled in ${ctx.region}.` }
          : { resource: 'account', status: 'FAIL', message: `Macie is ${session.status.toLowerCase()} in ${ctx.region}, so it discovers no sensitive data.` },
      ];
    } catch (err) {
      // Macie answers AccessDenied, with this message, for an account that never enabled it.
      if (errorName(err) === 'AccessDeniedException' && /Macie is not enabled/i.test((err as Error).message)) {
        return [{ resource: 'account', status: 'FAIL', message: `Macie is not enabled in ${ctx.region}.` }];
      }
      throw err;
    }
  },
};
