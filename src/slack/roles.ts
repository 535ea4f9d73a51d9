import type { WebClient } from './webClient';
import { slackErrorCode } from './conversation';
import type { Logger } from './logger';

interface GroupMembers {
  users: Set<string>;
  expiresAt: number;
}

/**
 * Who is an FTR admin: users named in `roles.admins`, and members of the user groups named
 * there (asked with usergroups.users.list, cached for `cacheMs`). When membership cannot be
 * read, the user is treated as not an admin: refusing is the safe failure. With no admins
 * configured at all, everyone in the workspace is an admin, so that a new install needs only
 * its two Slack secrets; naming admins restricts scans to them.
 */
export class Roles {
  private readonly users: Set<string>;
  private readonly groups: string[];
  private readonly members = new Map<string, GroupMembers>();
  private readonly inFlight = new Map<string, Promise<Set<string> | undefined>>();

  constructor(
    private readonly deps: { admins: readonly string[]; cacheMs: number; client: WebClient; logger: Logger; clock?: () => number },
  ) {
    this.users = new Set(deps.admins.filter((id) => !id.startsWith('S')));
    this.groups = deps.admins.filter((id) => id.startsWith('S'));
  }

  /** Users named directly, for "ask one of …". */
  get adminUsers(): string[] {
    return [...this.users];
  }

  get configured(): boolean {
    return this.users.size + this.groups.length > 0;
  }

  async isAdmin(userId: string): Promise<boolean> {
    // No roles configured: a fresh install works for its workspace out of the box.
    if (!this.configured) return true;
    if (this.users.has(userId)) return true;
    for (const group of this.groups) {
      if ((await this.groupMembers(group))?.has(userId)) return true;
    }
    return false;
  }

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  private async groupMembers(group: string): Promise<Set<string> | undefined> {
    const cached = this.members.get(group);
    if (cached && cached.expiresAt > this.now()) return cached.users;
    let request = this.inFlight.get(group);
    if (!request) {
      request = this.fetchMembers(group).finally(() => this.inFlight.delete(group));
      this.inFlight.set(group, request);
    }
    return request;
  }

  private async fetchMembers(group: string): Promise<Set<string> | undefined> {
    try {
      const res = await this.deps.client.usergroups.users.list({ usergroup: group });
      const users = new Set(res.users ?? []);
      this.members.set(group, { users, expiresAt: this.now() + this.deps.cacheMs });
      return users;
    } catch (err) {
      // Not cached: the next request asks again.
      this.deps.logger.warn({ group, code: slackErrorCode(err) ?? (err as Error).message }, 'cannot read user group members; treating as not an admin');
      return undefined;
    }
  }
}
