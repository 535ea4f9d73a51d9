import type { WebClient } from './webClient';
import { slackErrorCode } from './conversation';
import type { Logger } from './logger';

/** Users named directly, and user groups (S…) whose members count too. */
interface Principals {
  users: Set<string>;
  groups: string[];
}

function principals(ids: readonly string[]): Principals {
  return { users: new Set(ids.filter((id) => !id.startsWith('S'))), groups: ids.filter((id) => id.startsWith('S')) };
}

interface GroupMembers {
  users: Set<string>;
  expiresAt: number;
}

/**
 * Who is an FTR admin (and who responds to alerts): users named in `roles.admins`, and members of the user groups named
 * there (asked with usergroups.users.list, cached for `cacheMs`). When membership cannot be
 * read, the user is treated as not an admin: refusing is the safe failure. With no admins
 * configured nobody is one (see Authorization for `roles.allowEveryone`).
 */
export class Roles {
  private readonly admins: Principals;
  /** Undefined: the admins respond to alerts. */
  private readonly responders?: Principals;
  private readonly members = new Map<string, GroupMembers>();
  private readonly inFlight = new Map<string, Promise<Set<string> | undefined>>();

  constructor(
    private readonly deps: {
      admins: readonly string[];
      responders?: readonly string[];
      cacheMs: number;
      client: WebClient;
      logger: Logger;
      clock?: () => number;
    },
  ) {
    this.admins = principals(deps.admins);
    this.responders = deps.responders ? principals(deps.responders) : undefined;
  }

  /** Users named directly, for "ask one of …". */
  get adminUsers(): string[] {
    return [...this.admins.users];
  }

  /** Who may acknowledge alerts, as configured (users and groups), for "ask one of …". */
  get responderIds(): string[] {
    const who = this.responders ?? this.admins;
    return [...who.users, ...who.groups];
  }

  get configured(): boolean {
    return this.admins.users.size + this.admins.groups.length > 0;
  }

  async isAdmin(userId: string): Promise<boolean> {
    return this.isMember(userId, this.admins);
  }

  /** May acknowledge and resolve alerts: `roles.responders`, else the admins. */
  async isResponder(userId: string): Promise<boolean> {
    return this.responders ? this.isMember(userId, this.responders) : this.isAdmin(userId);
  }

  private async isMember(userId: string, who: Principals): Promise<boolean> {
    if (who.users.has(userId)) return true;
    for (const group of who.groups) {
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
