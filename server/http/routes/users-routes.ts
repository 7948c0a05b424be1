import { Router } from 'express';
import { z } from 'zod';
import type { PublicUser } from '../../../db/queries/users';
import type { Actor } from '../../auth/access';
import type { ChosenPresence, UsersService } from '../../users/users-service';
import { actorOf, idParam } from '../request-context';
import { parse } from '../validate';

const role = z.enum(['operator', 'supervisor', 'admin']);
const endpoint = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w./:@+-]+$/, 'a telephony endpoint such as PJSIP/101 or client:anna')
  .nullable();

const userFields = {
  email: z.string().trim().email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(8, 'at least 8 characters').max(1000),
  role,
  team_id: z.string().uuid().nullable(),
  skills: z.array(z.string().trim().min(1).max(50)).max(50),
  endpoint,
};

const createBody = z
  .object(userFields)
  .partial({ team_id: true, skills: true, endpoint: true })
  .strict();
const updateBody = z
  .object({ ...userFields, active: z.boolean() })
  .partial()
  .strict();
const statusBody = z.object({ status: z.enum(['available', 'away', 'offline']) }).strict();

/** /api/users (admins manage accounts; supervisors list their team). */
export function usersRoutes(users: UsersService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json(await users.list(actorOf(req)));
  });

  router.post('/', async (req, res) => {
    res.status(201).json(await users.create(actorOf(req), parse(createBody, req.body)));
  });

  router.patch('/:id', async (req, res) => {
    res.json(await users.update(actorOf(req), idParam(req), parse(updateBody, req.body)));
  });

  return router;
}

/** /api/me: who am I, and my presence (chosen through the call system, which guards it). */
export function meRoutes(
  choosePresence: (actor: Actor, status: ChosenPresence) => Promise<PublicUser>,
): Router {
  const router = Router();

  router.get('/', (req, res) => {
    res.json(actorOf(req));
  });

  router.put('/status', async (req, res) => {
    const { status } = parse(statusBody, req.body);
    res.json(await choosePresence(actorOf(req), status));
  });

  return router;
}
