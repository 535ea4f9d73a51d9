import { refusalMessage, type SlackMessage } from './blocks';
import type { Roles } from './roles';

/** What a person may ask of the bot; every command, button, modal and Home action needs one. */
export type SlackAction = 'read' | 'scan' | 'attest' | 'except' | 'drill' | 'acknowledge';

/** Who may do what, as a refusal explains it. */
export const ACTION_HOLDERS: Record<SlackAction, string> = {
  read: 'everyone',
  scan: 'FTR admins',
  attest: 'FTR admins',
  except: 'FTR admins',
  drill: 'FTR admins',
  acknowledge: 'alert responders',
};

/**
 * The one rule of who may do what. Reading is for everyone; scans, attestations, exceptions and
 * drills for admins; acknowledging alerts for responders (the admins unless named). With no admins
 * configured nobody may start them (scheduled scans still run) unless `roles.allowEveryone` is set.
 */
export class Authorization {
  constructor(private readonly deps: { roles: Roles; allowEveryone: boolean }) {}

  /** Nobody can be an admin: refusals then say how to name admins. */
  get adminsMissing(): boolean {
    return !this.deps.allowEveryone && !this.deps.roles.configured;
  }

  async authorize(userId: string, action: SlackAction): Promise<boolean> {
    if (action === 'read' || this.deps.allowEveryone) return true;
    if (action === 'acknowledge') return this.deps.roles.isResponder(userId);
    return this.deps.roles.isAdmin(userId);
  }

  /** Whom to ask, for a refusal: user ids named in the configuration for the action. */
  holders(action: SlackAction): string[] {
    if (action === 'acknowledge') return this.deps.roles.responderIds;
    return action === 'read' ? [] : this.deps.roles.adminUsers;
  }
}

/** The private answer to someone who may not do `action` (`what` says it in words: "run /ftr scan"). */
export function refusalFor(authorization: Authorization, action: SlackAction, what: string): SlackMessage {
  return refusalMessage({ what, holders: ACTION_HOLDERS[action], ask: authorization.holders(action), adminsMissing: action !== 'acknowledge' && authorization.adminsMissing });
}
