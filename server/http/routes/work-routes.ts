import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../../db/database';
import {
  completeCallback,
  findCallback,
  findLead,
  listOpenCallbacks,
  updateLead,
} from '../../../db/queries/work';
import { requireTeamAccess } from '../../auth/access';
import { AppError } from '../../errors/app-error';
import { actorOf, idParam } from '../request-context';
import { parse } from '../validate';

const callbacksQuery = z
  .object({
    scope: z.enum(['mine', 'team']).default('mine'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const leadBody = z
  .object({
    hotness: z.number().int().min(0).max(100),
    status: z.enum(['new', 'in_progress', 'won', 'lost', 'postponed']),
    title: z.string().trim().max(300).nullable(),
  })
  .partial()
  .strict();

/** /api/callbacks: open callback tasks (overdue first) and marking them done. */
export function callbacksRoutes(db: Db): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const { scope, limit } = parse(callbacksQuery, req.query);
    const rows =
      scope === 'mine'
        ? await listOpenCallbacks(db, { ownerId: actor.id, limit })
        : await listOpenCallbacks(db, {
            teamId: actor.role === 'admin' ? undefined : actor.team_id,
            limit,
          });
    res.json(rows);
  });

  router.post('/:id/done', async (req, res) => {
    const actor = actorOf(req);
    const callback = await findCallback(db, idParam(req));
    if (!callback) throw new AppError('NOT_FOUND');
    requireTeamAccess(actor, callback.team_id);
    if (actor.role === 'operator' && callback.owner_id && callback.owner_id !== actor.id) {
      throw new AppError('FORBIDDEN', { message: 'This callback belongs to someone else.' });
    }

    const done = await completeCallback(db, callback.id, actor.id);
    if (!done) throw new AppError('CONFLICT', { message: 'This callback is already done.' });
    res.json(done);
  });

  return router;
}

/** /api/leads: the card's hotness and status. */
export function leadsRoutes(db: Db): Router {
  const router = Router();

  router.patch('/:id', async (req, res) => {
    const actor = actorOf(req);
    const changes = parse(leadBody, req.body);
    const lead = await findLead(db, idParam(req));
    if (!lead) throw new AppError('NOT_FOUND');
    requireTeamAccess(actor, lead.team_id);

    res.json(await updateLead(db, lead.id, changes));
  });

  return router;
}
