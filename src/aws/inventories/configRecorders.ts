import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  type ConfigurationRecorder,
  type ConfigurationRecorderStatus,
} from '@aws-sdk/client-config-service';
import { defineInventory } from '../inventory';

export interface ConfigRecorder {
  recorder: ConfigurationRecorder;
  /** Undefined when Config reported no status for the recorder. */
  status?: ConfigurationRecorderStatus;
}

/** The region's AWS Config configuration recorders with their recording status (two calls per region; neither pages). */
export const configRecorders = defineInventory<ConfigRecorder[]>('config.recorders', 'regional', async (ctx, region) => {
  const config = ctx.aws.client(ConfigServiceClient, region);
  const [recorders, statuses] = await Promise.all([
    config.send(new DescribeConfigurationRecordersCommand({})),
    config.send(new DescribeConfigurationRecorderStatusCommand({})),
  ]);
  const byName = new Map((statuses.ConfigurationRecordersStatus ?? []).map((s) => [s.name, s]));
  return (recorders.ConfigurationRecorders ?? []).map((recorder) => ({ recorder, status: byName.get(recorder.name) }));
});
