import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../../db/database';
import { insertTeam, listTeams, renameTeam } from '../../../db/queries/teams';
import { requireRole } from '../../auth/access';
import { AppError } from '../../errors/app-error';
import { isUniqueViolation } from '../../../db/errors';
import { actorOf, idParam } from '../request-context';
import { parse } from '../validate';

const teamBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

/** /api/teams: everyone may list them; admins create and rename. */
export function teamsRoutes(db: Db): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await listTeams(db));
  });

  router.post('/', async (req, res) => {
    requireRole(actorOf(req), 'admin');
    const { name } = parse(teamBody, req.body);
    res.status(201).json(await uniqueName(() => insertTeam(db, name)));
  });

  router.patch('/:id', async (req, res) => {
    requireRole(actorOf(req), 'admin');
    const { name } = parse(teamBody, req.body);
    const team = await uniqueName(() => renameTeam(db, idParam(req), name));
    if (!team) throw new AppError('NOT_FOUND');
    res.json(team);
  });

  return router;
}

async function uniqueName<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, 'teams_name_key')) {
      throw new AppError('CONFLICT', { message: 'A team with this name already exists.' });
    }
    throw error;
  }
}
