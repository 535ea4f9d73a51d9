// Credential-shaped values are built at run time so that none sits in the source tree as a literal.
export const join = (...parts: string[]) => parts.join('');
export const ACCESS_KEY_ID = join('AKIA', 'Z'.repeat(16));
export const SECRET_ACCESS_KEY = join('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY');
/** Generated-looking key material. */
export const RANDOM = join('Zq8rT2mWv9', 'LpX4sKa1Bc');
export const HEX_KEY = join('9f86d081884c7d65', '9a2feaa0c55ad015');
export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
