import { ACCESS_KEY_SLOTS, reportDate, reportFlag, type CredentialReportRow } from '../../aws/inventories/iamCredentialReport';
import type { Finding } from '../../core/types';

/** An active console password or access key of an IAM user, as the credential report shows it. */
export interface UserCredential {
  kind: 'password' | 'accessKey';
  /** `console password`, `access key 1`, `access key 2` */
  label: string;
  lastUsed?: Date;
  /** When it was set: password_last_changed or access_key_N_last_rotated. */
  setAt?: Date;
}

export interface ReportUser {
  name: string;
  arn: string;
  createdAt?: Date;
  mfaActive?: boolean;
  credentials: UserCredential[];
  /** Report columns whose value was neither `true` nor `false`: the user's credentials are partly unknown. */
  unreadableColumns: string[];
}

/** A credential report user row in the terms the checks use. */
export function reportUser(row: CredentialReportRow): ReportUser {
  const user: ReportUser = {
    name: row.user,
    arn: row.arn,
    createdAt: reportDate(row.user_creation_time),
    credentials: [],
    unreadableColumns: [],
  };
  const flag = (column: string) => {
    const value = reportFlag(row[column]);
    if (value === undefined) user.unreadableColumns.push(column);
    return value;
  };
  user.mfaActive = flag('mfa_active');
  if (flag('password_enabled')) {
    user.credentials.push({ kind: 'password', label: 'console password', lastUsed: reportDate(row.password_last_used), setAt: reportDate(row.password_last_changed) });
  }
  for (const n of ACCESS_KEY_SLOTS) {
    if (flag(`access_key_${n}_active`)) {
      user.credentials.push({
        kind: 'accessKey',
        label: `access key ${n}`,
        lastUsed: reportDate(row[`access_key_${n}_last_used_date`]),
        setAt: reportDate(row[`access_key_${n}_last_rotated`]),
      });
    }
  }
  return user;
}

/** An ERROR finding when any of `columns` (names or patterns) of the user's row could not be read; else undefined. */
export function unreadableUser(user: ReportUser, columns: RegExp): Finding | undefined {
  const unreadable = user.unreadableColumns.filter((c) => columns.test(c));
  if (unreadable.length === 0) return undefined;
  return {
    resource: user.arn,
    status: 'ERROR',
    message: `Cannot evaluate user ${user.name}: the credential report has no true/false value in ${unreadable.join(', ')}.`,
  };
}

/** One NOT_APPLICABLE finding saying why nothing was evaluated. */
export function nothingToEvaluate(message: string): Finding[] {
  return [{ resource: 'account', status: 'NOT_APPLICABLE', message }];
}
