import type { Finding } from '../../core/types';

/**
 * Whether an environment variable holds a credential, judged by its value first and its name
 * second: a variable that names where a secret is kept (an ARN, a parameter path, a secret's
 * name, a URL without credentials) holds none, whatever it is called.
 */

/** An AWS access key id (long-term `AKIA…` or temporary `ASIA…`): an identifier, a credential only with its secret. */
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;
/** A 40-character run of the secret access key alphabet, standing alone. */
const SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Values that are credentials whatever the variable is called. */
const CREDENTIAL_FORMATS = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /\bxapp-\d-[A-Za-z0-9-]{10,}/, // Slack app-level tokens
  /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/, // Slack incoming webhooks
  /\bgh[pousr]_[A-Za-z0-9]{36,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/, // GitLab personal access tokens
  /\b[sr]k_live_[A-Za-z0-9]{16,}/, // Stripe live keys
  /\bAIza[0-9A-Za-z_-]{35}/, // Google API keys
  /\bnpm_[A-Za-z0-9]{36}/, // npm tokens
  /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/, // SendGrid API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // signed JWTs
];

/** A URL's user-information part with a password, e.g. `postgres://app:pw@db` or `redis://:pw@cache`. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/gi;
/** A query parameter that carries a credential, e.g. `?access_token=…`; its value must still look random. */
const URL_CREDENTIAL_PARAMETER = /[?&](?:access_?token|token|api_?key|apikey|client_secret|secret|password|sig|signature)=([^&#\s]+)/gi;
/** A shell-style placeholder another layer substitutes, e.g. `${DB_PASSWORD}`: names a secret, holds none. */
const PLACEHOLDER = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

/** Values that point at a secret (or hold no secret at all) rather than hold one. */
const REFERENCES = [
  /^arn:aws[a-z-]*:/, // a Secrets Manager secret, an SSM parameter, a KMS key…
  /^\{\{resolve:(ssm|ssm-secure|secretsmanager):/, // a CloudFormation dynamic reference
  /^\/[\w.-]+(\/[\w.-]+)*$/, // an SSM parameter path or a file path
  /^[a-z][a-z0-9+.-]*:\/\//i, // a URL (one with credentials is caught before)
  /^\d+$/,
  /^(true|false|yes|no|on|off)$/i,
  PLACEHOLDER,
];

/** Name words that announce a password: any literal value of such a variable is one, however weak. */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode']);
/** Name words that announce a secret or a token. */
const SECRET_WORDS = new Set(['secret', 'secrets', 'token', 'credential', 'credentials', 'apikey', 'privatekey', 'secretkey']);
/** Words that, before `key`, make it a credential: API_KEY, PRIVATE_KEY, SIGNING_KEY… */
const KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'access', 'signing', 'encryption', 'master', 'client', 'hmac', 'license']);
/**
 * Last name words that say the variable describes a secret rather than holds it:
 * DB_SECRET_ARN, SECRET_NAME, TOKEN_URL, PASSWORD_MIN_LENGTH, TOKEN_TTL_SECONDS…
 */
const DESCRIPTOR_WORDS = new Set([
  'name', 'id', 'arn', 'path', 'param', 'parameter', 'ref', 'reference', 'url', 'uri', 'endpoint', 'host', 'hostname', 'port', 'file', 'filename',
  'dir', 'directory', 'location', 'ttl', 'seconds', 'secs', 'minutes', 'hours', 'days', 'timeout', 'expiry', 'expiration', 'expires', 'lifetime', 'age',
  'length', 'len', 'size', 'count', 'policy', 'type', 'header', 'issuer', 'audience', 'scope', 'scopes', 'enabled', 'enable', 'disabled', 'required',
  'region', 'store', 'provider', 'version', 'field', 'prefix', 'suffix', 'format', 'algorithm', 'mode', 'source', 'backend', 'kind', 'label',
]);

/** The lower-case words of a variable name: DB_PASSWORD, dbPassword and db-password alike. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What the variable's name says it holds: a password, another secret, or nothing secret. */
function announcedCredential(name: string): 'password' | 'secret' | null {
  const words = nameWords(name);
  if (words.length === 0 || DESCRIPTOR_WORDS.has(words[words.length - 1])) return null;
  if (words.some((w) => PASSWORD_WORDS.has(w))) return 'password';
  const qualifiedKey = words.some((w, i) => w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]));
  return qualifiedKey || words.some((w) => SECRET_WORDS.has(w)) ? 'secret' : null;
}

/** A word, a word with a short number (`v2`, `db01`) or a number: the stuff names are made of. */
const NAME_SEGMENT = /^([A-Za-z]+\d{0,4}|\d+)$/;

/** True when the value reads like a name (`prod/db`, `orders-api-v2`), not like generated key material. */
function readsLikeName(value: string): boolean {
  return value.split(/[-_./:@]+/).every((segment) => segment === '' || NAME_SEGMENT.test(segment));
}

/** Bits per character of the value's own character distribution. */
function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Generated key material: long, without spaces, mixing character classes, high-entropy, and not a name. */
function looksRandom(value: string): boolean {
  if (value.length < 16 || /\s/.test(value) || readsLikeName(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  return classes >= 2 && shannonEntropy(value) >= 3;
}

/** A name-like value with slashes, as Secrets Manager secrets are often named (`prod/db/password`). */
function isSecretName(value: string): boolean {
  return value.includes('/') && readsLikeName(value);
}

/** True when the value is a credential in itself: a private key, a known token format, a URL carrying a password or token. */
function isCredentialValue(value: string): boolean {
  if (CREDENTIAL_FORMATS.some((format) => format.test(value))) return true;
  if ([...value.matchAll(URL_PASSWORD)].some((m) => !PLACEHOLDER.test(m[1]))) return true;
  return [...value.matchAll(URL_CREDENTIAL_PARAMETER)].some((m) => looksRandom(m[1]));
}

/** True when one variable, on its own, holds a credential. */
export function holdsCredential(name: string, value: string): boolean {
  const literal = value.trim();
  if (literal === '') return false;
  if (isCredentialValue(literal)) return true;
  const announced = announcedCredential(name);
  if (!announced || REFERENCES.some((pattern) => pattern.test(literal)) || isSecretName(literal)) return false;
  return announced === 'password' || looksRandom(literal);
}

function holdsSecretAccessKey(value: string): boolean {
  // A 40-digit hex string (a git commit, a SHA-1) has the length but not the alphabet of a secret key.
  return [...value.matchAll(SECRET_ACCESS_KEY)].some((m) => !/^[0-9a-f]+$/i.test(m[0]) && looksRandom(m[0]));
}

/**
 * The names (never the values) of the variables of one environment that hold a credential,
 * sorted. An access key id counts only with a secret access key beside it in the same environment,
 * and then both variables are named.
 */
export function credentialVariables(variables: Iterable<readonly [string, string | undefined]>): string[] {
  const defined = [...variables].filter((v): v is readonly [string, string] => v[1] !== undefined);
  const names = new Set(defined.filter(([name, value]) => holdsCredential(name, value)).map(([name]) => name));
  const keyIds = defined.filter(([, value]) => ACCESS_KEY_ID.test(value));
  const secretKeys = defined.filter(([, value]) => holdsSecretAccessKey(value));
  if (keyIds.length > 0 && secretKeys.length > 0) for (const [name] of [...keyIds, ...secretKeys]) names.add(name);
  return [...names].sort();
}

/**
 * The verdict on one environment: `subject` names the resource, e.g. "Lambda function version
 * arn:…:3 (alias prod)". Messages name the variables, never their values.
 */
export function environmentFinding(resource: string, subject: string, variables: Iterable<readonly [string, string | undefined]>): Finding {
  const names = credentialVariables(variables);
  if (names.length === 0) return { resource, status: 'PASS', message: `${subject} has no credential-looking environment variable.` };
  const which = `variable${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
  return { resource, status: 'FAIL', message: `${subject} holds what looks like a credential in environment ${which}.` };
}
