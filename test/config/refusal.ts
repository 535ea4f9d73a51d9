import { ConfigError, parseAppConfig } from '../../src/config/load';

/** The one-line message parseAppConfig refuses `raw` with; fails the test when it is accepted. */
export function refusal(raw: unknown): string {
  try {
    parseAppConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}
