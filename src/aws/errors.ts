/** Facts about an error thrown by an SDK v3 client. */
export function errorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [e.name, e.Code, e.code]) if (typeof candidate === 'string' && candidate) return candidate;
  }
  return 'Error';
}

export function httpStatus(err: unknown): number | undefined {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError|Forbidden/i;

export function isAccessDenied(err: unknown): boolean {
  return ACCESS_DENIED.test(errorName(err)) || httpStatus(err) === 403;
}

/** True when the error is one of `names` (an SDK error name or code). */
export function isErrorNamed(err: unknown, ...names: string[]): boolean {
  return names.includes(errorName(err));
}

/** One line that says why a call failed, without request ids or stack. */
export function describeError(err: unknown): string {
  const name = errorName(err);
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.split('\n')[0].trim().slice(0, 300);
  if (err instanceof SyntaxError || /Deserialization error/.test(raw)) {
    const status = httpStatus(err) ?? (err as { $response?: { statusCode?: number } }).$response?.statusCode;
    return `the endpoint answered with something that is not an AWS response${status ? ` (HTTP ${status})` : ''}, so it may not support this API`;
  }
  if (isAccessDenied(err)) return `access denied (${name}${message && message !== name ? `: ${message}` : ''})`;
  if (!message || message === name) return name;
  return name === 'Error' ? message : `${name}: ${message}`;
}
