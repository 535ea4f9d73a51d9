import type { SlashCommand } from '../src/slack/command';
import { check } from './check';
import { explain } from './explain';
import { help } from './help';
import { runbook } from './runbook';
import { scan } from './scan';
import { status } from './status';

/** Every `/ftr` subcommand, in the order help lists them. */
export const slashCommands: readonly SlashCommand[] = [status, check, explain, runbook, help, scan];
