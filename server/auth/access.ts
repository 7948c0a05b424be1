import type { TeamScope } from '../../db/queries/customers';
import type { PublicUser } from '../../db/queries/users';
import type { Role } from '../../db/schema';
import { AppError } from '../errors/app-error';

/** The signed-in user a request or a socket acts for. */
export type Actor = PublicUser;

/** Refuses (403) unless the actor has one of the roles. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) throw new AppError('FORBIDDEN');
}

/**
 * The teams whose customers and calls an actor sees. Operators and supervisors see their own
 * team (and records no team owns yet); an admin sees everything.
 */
export function teamScope(actor: Actor): TeamScope {
  if (actor.role === 'admin') return 'all';

  return { teams: actor.team_id ? [actor.team_id] : [] };
}

/** Refuses (403) a record of a team outside the actor's scope. Records of no team are shared. */
export function requireTeamAccess(actor: Actor, teamId: string | null): void {
  if (actor.role === 'admin' || teamId === null) return;

  if (teamId !== actor.team_id) throw new AppError('FORBIDDEN');
}
