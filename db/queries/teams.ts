import type { Db } from '../database';
import type { Team } from '../schema';

export async function listTeams(db: Db): Promise<Team[]> {
  return db.selectFrom('teams').selectAll().orderBy('name').execute();
}

export async function insertTeam(db: Db, name: string): Promise<Team> {
  return db.insertInto('teams').values({ name }).returningAll().executeTakeFirstOrThrow();
}

export async function renameTeam(db: Db, id: string, name: string): Promise<Team | undefined> {
  return db
    .updateTable('teams')
    .set({ name })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findTeamByName(db: Db, name: string): Promise<Team | undefined> {
  return db.selectFrom('teams').selectAll().where('name', '=', name).executeTakeFirst();
}
