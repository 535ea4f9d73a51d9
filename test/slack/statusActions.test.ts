import type { CheckResult } from '../../src/core/types';
import { STATUS_ACTIONS } from '../../src/slack/blocks/status';
import { registerStatusActions } from '../../src/slack/statusActions';
import type { ResponseUrlPost } from '../support/slackApi';
import { buttonClick, ephemeralButtonClick, homeButtonClick } from '../support/slackRequests';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { ACCOUNT, smallReport } from './fixtures';

let h: SlackHarness;
afterEach(() => h?.stop());

/** The small report, plus a public bucket: a failure the shipped public-s3-bucket runbook covers (FTR-10.2). */
function reportWithBucket() {
  const report = smallReport();
  const bucket: CheckResult = {
    checkId: 's3_bucket_public_access_restricted',
    refs: ['FTR-10.2'],
    status: 'FAIL',
    severity: 'high',
    accountId: ACCOUNT,
    region: 'us-east-1',
    resource: 'arn:aws:s3:::open-bucket',
    message: 'Bucket open-bucket is public.',
  };
  return { ...report, results: [...report.results, bucket] };
}

beforeEach(async () => {
  h = await startSlackHarness({ scanner: scriptedScanner({ report: reportWithBucket }) });
  registerStatusActions(h.slack);
});

function press(actionId: string, value: string, userId = READER) {
  return h.send(buttonClick({ actionId, value, userId, channelId: 'C0GENERAL', messageTs: '1700000000.000200', responseUrl: h.api.responseUrl('press') }));
}

function answer(): Promise<ResponseUrlPost> {
  return h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'press'), 5000, 'the answer to the press');
}

const allText = (blocks: unknown) => JSON.stringify(blocks);

describe('the buttons of a status’s failures', () => {
  test('Show resources answers the presser alone with the check’s resources, leaving the status as it was', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    const ack = await press(STATUS_ACTIONS.resources, 'iam_user_mfa_enabled_console_access|FTR-7.1');
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(500);

    const { body } = await answer();
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(allText(body.blocks)).toContain('`iam_user_mfa_enabled_console_access`');
    expect(allText(body.blocks)).toContain('user/alice');
    // Only that check: not the bucket of another failure.
    expect(allText(body.blocks)).not.toContain('open-bucket');
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    expect(h.api.callsTo('chat.postEphemeral')).toEqual([]);
    expect(h.api.callsTo('chat.update')).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('Runbook answers the presser alone with the shipped runbook covering the requirement', async () => {
    await press(STATUS_ACTIONS.runbook, 's3_bucket_public_access_restricted|FTR-10.2');
    const { body } = await answer();
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Runbook: Public S3 bucket' });
    expect(allText(body.blocks)).toContain('public-s3-bucket');
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('a press from a private status (an ephemeral message) is answered there too', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    await h.send(
      ephemeralButtonClick({ actionId: STATUS_ACTIONS.resources, value: 's3_bucket_public_access_restricted|FTR-10.2', userId: READER, channelId: 'C0GENERAL', responseUrl: h.api.responseUrl('press') }),
    );
    const { body } = await answer();
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(allText(body.blocks)).toContain('open-bucket');
  });

  test('a press on the App Home, which has no response_url, is answered in the app’s direct message with the presser', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    await h.send(homeButtonClick({ actionId: STATUS_ACTIONS.resources, value: 'iam_user_mfa_enabled_console_access|FTR-7.1', userId: READER }));
    const posted = await h.api.waitFor(() => h.api.callsTo('chat.postMessage')[0], 5000, 'the direct message');
    expect(posted.args.channel).toBe(READER);
    expect(allText(posted.args.blocks)).toContain('user/alice');
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('the buttons of a posted /ftr status work: its Show resources press shows that failure’s resources', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    await h.command('status', { userId: ADMIN, responseId: 'status' });
    const blocks = await h.api.waitFor(
      () => [...h.api.callsTo('chat.postMessage').map((c) => c.args.blocks), ...h.api.responseUrlPosts.filter((p) => p.id === 'status').map((p) => p.body.blocks)][0],
      5000,
      'the status',
    );
    const button = (blocks as Array<{ accessory?: { action_id: string; value: string } }>).map((b) => b.accessory).find((a) => a?.action_id === STATUS_ACTIONS.resources);
    // The most severe failure first: the console user without MFA (FTR-7 comes before FTR-10).
    expect(button?.value).toBe('iam_user_mfa_enabled_console_access|FTR-7.1');
    await press(button!.action_id, button!.value);
    const { body } = await answer();
    expect(body.response_type).toBe('ephemeral');
    expect(allText(body.blocks)).toContain('user/alice');
  });

  test('someone who may not read is refused, and nothing is shown', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    const authorize = jest.spyOn(h.slack.services.authorization, 'authorize').mockResolvedValue(false);
    await press(STATUS_ACTIONS.resources, 'iam_user_mfa_enabled_console_access|FTR-7.1');
    const { body } = await answer();
    expect(authorize).toHaveBeenCalledWith(READER, 'read');
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(body.text).toMatch(/^Only .* may show the failing resources/);
    expect(allText(body)).not.toContain('alice');
    expect(h.logs.map((l) => JSON.parse(l)).some((l) => l.msg === 'refused: not allowed' && l.user === READER && l.requires === 'read')).toBe(true);
  });

  test('says so when no report is stored, or the runbook or the button is no longer known', async () => {
    await press(STATUS_ACTIONS.resources, 'iam_user_mfa_enabled_console_access|FTR-7.1');
    expect((await answer()).body.text).toBe('Could not show the failing resources');
    expect(h.api.responseUrlPosts[0].body.blocks[0].text.text).toContain('No scan report is stored any more');

    h.api.reset();
    await press(STATUS_ACTIONS.runbook, 'iam_user_mfa_enabled_console_access|FTR-7.1');
    expect(allText((await answer()).body.blocks)).toContain('No shipped runbook covers `FTR-7.1` any more');

    h.api.reset();
    await press(STATUS_ACTIONS.runbook, 'a|b|c');
    expect((await answer()).body.text).toBe('Could not show the runbook');
  });

  test('a check no longer known (an older status) shows its requirement instead', async () => {
    await h.store.saveScan(ACCOUNT, reportWithBucket());
    await press(STATUS_ACTIONS.resources, 'retired_check|FTR-7.1');
    const { body } = await answer();
    expect(body.blocks[0].text.text).toMatch(/^FTR-7\.1/);
    expect(allText(body.blocks)).toContain('user/alice');
  });
});
