import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
export function dockerfileInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (continued) continue;
    if (pending.trim()) logical.push(pending.trim());
    pending = '';
  }
  return logical.map((instruction) => {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(instruction)!;
    return { keyword: keyword.toUpperCase(), args: args.trim() };
  });
}

/** The instructions of each build stage, the last one being the image. */
export function stages(instructions: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') result.push([]);
    result[result.length - 1]?.push(instruction);
  }
  return result;
}

/** An exec-form argument list (`["node", "…"]`), or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
}

/** The command of the image's HEALTHCHECK, in exec form. */
export function healthCheckCommand(image: Instruction[]): string[] {
  const healthCheck = image.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthCheck) throw new Error('the image has no HEALTHCHECK');
  const cmd = /(?:^|\s)CMD\s+(.*)$/.exec(healthCheck.args)?.[1];
  const command = cmd === undefined ? undefined : execForm(cmd);
  if (!command) throw new Error(`HEALTHCHECK is not "CMD [exec form]": ${healthCheck.args}`);
  return command;
}

export function repositoryDockerfile(): Instruction[] {
  return dockerfileInstructions(readFileSync(path.join(__dirname, '..', '..', 'Dockerfile'), 'utf8'));
}
