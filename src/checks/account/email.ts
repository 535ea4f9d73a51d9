/**
 * Consumer mailbox providers, by the name before their public suffix (gmx.de, yahoo.co.uk and
 * yandex.ru alike): an address there belongs to a person, not to the company.
 */
const FREE_MAIL_PROVIDERS = new Set([
  '126', '163', 'aol', 'daum', 'fastmail', 'foxmail', 'free', 'gmail', 'gmx', 'googlemail', 'hanmail', 'hotmail', 'icloud', 'laposte',
  'libero', 'live', 'mail', 'me', 'msn', 'naver', 'o2', 'orange', 'outlook', 'proton', 'protonmail', 'qq', 'rediffmail', 'rocketmail',
  'seznam', 'sina', 'sohu', 't-online', 'tuta', 'tutanota', 'web', 'wp', 'yahoo', 'yandex', 'yeah', 'ymail', 'zoho',
]);

/** The public suffixes free-mail providers use: com, net, org, a country code, or co./com. + a country code. */
const PUBLIC_SUFFIX = /^(com|net|org|[a-z]{2}|(co|com)\.[a-z]{2})$/;

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).trim().toLowerCase();
}

export function isFreeMailDomain(domain: string): boolean {
  const dot = domain.indexOf('.');
  return dot > 0 && FREE_MAIL_PROVIDERS.has(domain.slice(0, dot)) && PUBLIC_SUFFIX.test(domain.slice(dot + 1));
}

/** True when `domain` is one of `companyDomains` or a subdomain of one. */
export function isCompanyDomain(domain: string, companyDomains: readonly string[]): boolean {
  return companyDomains.some((owned) => {
    const d = owned.toLowerCase();
    return domain === d || domain.endsWith(`.${d}`);
  });
}

/** Why `email` is not company-owned, or null when it is (as far as the configuration can tell). */
export function emailDomainProblem(email: string, companyDomains: readonly string[]): string | null {
  const domain = emailDomain(email);
  if (!email.includes('@') || !domain) return `"${email}" is not an e-mail address`;
  // A configured company domain wins over the free-mail list (the company may be a mail provider).
  if (isCompanyDomain(domain, companyDomains)) return null;
  if (isFreeMailDomain(domain)) return `${domain} is a free-mail domain`;
  if (companyDomains.length > 0) {
    return `${domain} is not one of the company domains (${companyDomains.join(', ')})`;
  }
  return null;
}

/** Words that name a team, a function or a role rather than a person. */
const ROLE_WORDS = new Set([
  'account', 'accounting', 'accounts', 'admin', 'administrator', 'alert', 'alerts', 'audit', 'aws', 'billing', 'cert', 'cloud',
  'compliance', 'contact', 'csirt', 'dev', 'devops', 'eng', 'engineering', 'finance', 'group', 'help', 'helpdesk', 'incident',
  'incidents', 'info', 'infra', 'infrastructure', 'infosec', 'invoices', 'it', 'legal', 'mail', 'management', 'noc', 'noreply',
  'notifications', 'oncall', 'ops', 'operations', 'payments', 'platform', 'prod', 'production', 'reply', 'risk', 'root', 'sec',
  'secops', 'security', 'soc', 'sre', 'support', 'team', 'tech',
]);

/**
 * True when the address looks like one person's mailbox: a `first.last@` (or first_last, first-last)
 * local part in which no word names a team or role. A heuristic: it cannot tell a distribution
 * list that happens to be named like a person, so callers ask for confirmation rather than fail.
 */
export function looksLikePersonalMailbox(email: string): boolean {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  const words = local.split(/[._-]/);
  return /^[a-z]+[._-][a-z]+$/.test(local) && !words.some((w) => ROLE_WORDS.has(w));
}
