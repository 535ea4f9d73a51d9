/** Slack surfaces: pure functions from data to Block Kit, tested without Slack. */
export type { CommandSummary, ScanProgressView, SlackMessage } from './types';
export { statusMessage, scanProgressMessage, failingChecks, RESCAN_ACTION_ID } from './status';
export { checkResultsMessage } from './results';
export { explainMessage } from './explain';
export { runbookListMessage, runbookMessage } from './runbook';
export { helpMessage, unknownCommandMessage, refusalMessage, errorMessage } from './commands';
export { homeView } from './home';
export { LIMITS, validateBlocks, validateMessage } from './limits';
