import { refusalFor } from './authorize';
import { errorMessage, unknownCommandMessage } from './blocks';
import { closestMatches } from './blocks/format';
import type { CommandContext, SlashCommand } from './command';
import { userFacingReason } from './status';

/** `status FTR-7` → name `status`, args `FTR-7`; an empty text means help. */
export function parseCommandText(text: string): { name: string; args: string } {
  const trimmed = text.trim();
  if (!trimmed) return { name: 'help', args: '' };
  const [name] = trimmed.split(/\s+/);
  return { name: name.toLowerCase(), args: trimmed.slice(name.length).trim() };
}

/** The command a subcommand name means, or the closest name for "did you mean". */
export function findCommand(commands: readonly SlashCommand[], name: string): { command?: SlashCommand; closest?: string } {
  const command = commands.find((c) => c.name === name);
  if (command) return { command };
  return { closest: closestMatches(name, commands.map((c) => c.name), 1)[0] };
}

/**
 * Runs one `/ftr …` (after the acknowledgement): unknown names get a short help with the
 * closest command, commands the person may not run are refused privately, failures are told privately.
 */
export async function routeCommand(input: { text: string; commands: readonly SlashCommand[]; context: Omit<CommandContext, 'args'> }): Promise<void> {
  const { name, args } = parseCommandText(input.text);
  const { context } = input;
  const { logger, commands: summaries } = context.services;
  const { command, closest } = findCommand(input.commands, name);
  if (!command) {
    await context.conversation.ephemeral(unknownCommandMessage({ input: name, closest, commands: summaries }));
    return;
  }
  if (!(await context.may(command.requires))) {
    logger.info({ user: context.userId, command: command.name, requires: command.requires }, 'refused: not allowed');
    await context.conversation.ephemeral(refusalFor(context.services.authorization, command.requires, `run /ftr ${command.name}`));
    return;
  }
  try {
    await command.run({ ...context, args });
  } catch (err) {
    logger.error({ err, command: command.name }, 'command failed');
    await context.conversation
      .ephemeral(errorMessage({ what: `run /ftr ${command.name}`, reason: userFacingReason(err) }))
      .catch((reportErr) => logger.warn({ err: reportErr }, 'could not report the failure to the user'));
  }
}
