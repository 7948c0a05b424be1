import type { Db } from '../../db/database';
import { appendAudit } from '../../db/queries/audit';
import { deleteUserSessions } from '../../db/queries/sessions';
import {
  findUserById,
  insertUser,
  listUsers,
  setPresence,
  updateUser,
} from '../../db/queries/users';
import type { PublicUser } from '../../db/queries/users';
import type { Presence, Role } from '../../db/schema';
import { requireRole } from '../auth/access';
import type { Actor } from '../auth/access';
import { hashPassword } from '../auth/passwords';
import { AppError } from '../errors/app-error';
import { isUniqueViolation } from '../../db/errors';

export interface UserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
  team_id?: string | null;
  skills?: string[];
  endpoint?: string | null;
}

export interface UserChanges {
  name?: string;
  email?: string;
  password?: string;
  role?: Role;
  team_id?: string | null;
  active?: boolean;
  skills?: string[];
  endpoint?: string | null;
}

/** Presence an operator may choose; ringing, on_call and wrap_up are set by calls. */
export type ChosenPresence = Extract<Presence, 'available' | 'away' | 'offline'>;

type PresenceListener = (user: PublicUser) => void;

/** Accounts (admins manage them), the team view for supervisors, and presence. */
export class UsersService {
  private readonly presenceListeners = new Set<PresenceListener>();

  constructor(private readonly db: Db) {}

  /** Called whenever a user's presence changes, so the realtime hub can tell the team. */
  onPresence(listener: PresenceListener): void {
    this.presenceListeners.add(listener);
  }

  async list(actor: Actor): Promise<PublicUser[]> {
    requireRole(actor, 'supervisor', 'admin');

    if (actor.role === 'admin') return listUsers(this.db, {});
    return listUsers(this.db, { teamId: actor.team_id ?? '00000000-0000-0000-0000-000000000000' });
  }

  async create(actor: Actor | null, input: UserInput): Promise<PublicUser> {
    if (actor) requireRole(actor, 'admin');

    const user = await withEmailConflict(async () =>
      insertUser(this.db, {
        email: input.email,
        name: input.name,
        password_hash: await hashPassword(input.password),
        role: input.role,
        team_id: input.team_id ?? null,
        skills: input.skills ?? [],
        endpoint: input.endpoint ?? null,
      }),
    );
    await appendAudit(this.db, {
      actorId: actor?.id ?? null,
      action: 'user.create',
      entity: 'user',
      entityId: user.id,
      data: { role: user.role },
    });
    return user;
  }

  async update(actor: Actor, id: string, changes: UserChanges): Promise<PublicUser> {
    requireRole(actor, 'admin');

    const { password, ...rest } = changes;
    const passwordHash = password ? await hashPassword(password) : undefined;
    const user = await withEmailConflict(() =>
      updateUser(this.db, id, {
        ...rest,
        ...(passwordHash ? { password_hash: passwordHash } : {}),
        ...(changes.active === false ? { status: 'offline' as const } : {}),
      }),
    );
    if (!user) throw new AppError('NOT_FOUND', { message: 'No such user.' });

    // A deactivated account or a new password ends every open session at once.
    if (changes.active === false || password) await deleteUserSessions(this.db, id);
    await appendAudit(this.db, {
      actorId: actor.id,
      action: 'user.update',
      entity: 'user',
      entityId: id,
      data: { fields: Object.keys(changes) },
    });
    return user;
  }

  async get(id: string): Promise<PublicUser | undefined> {
    return findUserById(this.db, id);
  }

  /**
   * The operator's own presence choice. Leaving wrap-up this way is refused: the outcome of the
   * last call ends it. A ringing or talking operator can only go away after the call.
   */
  async choosePresence(actor: Actor, status: ChosenPresence): Promise<PublicUser> {
    const from: Presence[] =
      status === 'offline'
        ? ['offline', 'available', 'away', 'wrap_up']
        : ['offline', 'available', 'away'];
    const user = await setPresence(this.db, actor.id, status, from);
    if (!user) {
      const current = await findUserById(this.db, actor.id);
      if (current?.status === 'wrap_up') throw new AppError('OUTCOME_REQUIRED');
      throw new AppError('CALL_STATE', { message: 'Finish the current call first.' });
    }

    this.announce(user);
    return user;
  }

  /** A presence move made by the call pipeline, conditional on the current state. */
  async movePresence(
    id: string,
    status: Presence,
    from?: readonly Presence[],
  ): Promise<PublicUser | undefined> {
    const user = await setPresence(this.db, id, status, from);
    if (user) this.announce(user);

    return user;
  }

  announce(user: PublicUser): void {
    for (const listener of this.presenceListeners) listener(user);
  }
}

async function withEmailConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) throw new AppError('EMAIL_TAKEN');
    throw error;
  }
}
