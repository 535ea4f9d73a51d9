/** An AWS access key id (long-term `AKIA…` or temporary `ASIA…`). */
const ACCESS_KEY_ID = /(AKIA|ASIA)[A-Z0-9]{16}/;
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** A URL with a user and password in it, e.g. `postgres://app:pw@db:5432/app`. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
/** Variable names that announce a credential. */
const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|(^|_)PWD($|_)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
/**
 * Values that point at a secret rather than hold it: an ARN, a CloudFormation dynamic reference,
 * or an SSM parameter path. Plain numbers and booleans (TOKEN_TTL=3600, USE_SECRET=true) hold no credential.
 */
const NOT_A_CREDENTIAL = [/^arn:aws[a-z-]*:/, /^\{\{resolve:(ssm|ssm-secure|secretsmanager):/, /^\/[\w.-]+(\/[\w.-]+)+$/, /^\d+$/, /^(true|false)$/i];

function holdsSecret(name: string, value: string): boolean {
  if (ACCESS_KEY_ID.test(value) || PRIVATE_KEY_HEADER.test(value) || URL_WITH_PASSWORD.test(value)) return true;
  const literal = value.trim();
  return SECRET_NAME.test(name) && literal !== '' && !NOT_A_CREDENTIAL.some((pattern) => pattern.test(literal));
}

/** The names (never the values) of the variables whose value looks like a credential, sorted. */
export function secretLookingVariables(variables: Iterable<readonly [string, string | undefined]>): string[] {
  const names = new Set<string>();
  for (const [name, value] of variables) if (value !== undefined && holdsSecret(name, value)) names.add(name);
  return [...names].sort();
}

/** "variable X" / "variables X, Y" for a message. */
export function variableList(names: string[]): string {
  return `variable${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}
