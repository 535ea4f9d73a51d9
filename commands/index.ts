import type { SlashCommand } from '../src/slack/command';
import { alerts } from './alerts';
import { attest } from './attest';
import { check } from './check';
import { drill } from './drill';
import { evidence } from './evidence';
import { except } from './except';
import { explain } from './explain';
import { help } from './help';
import { runbook } from './runbook';
import { scan } from './scan';
import { status } from './status';

/** Every `/ftr` subcommand, in the order help lists them. */
export const slashCommands: readonly SlashCommand[] = [status, check, alerts, explain, runbook, help, scan, drill, attest, except, evidence];
