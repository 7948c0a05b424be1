import { Router } from 'express';
import { z } from 'zod';
import type { CallsService } from '../../calls/calls-service';
import { recordingsOfCall } from '../../../db/queries/recordings';
import type { Db } from '../../../db/database';
import { requireRole } from '../../auth/access';
import { AppError } from '../../errors/app-error';
import { actorOf, idParam } from '../request-context';
import { parse } from '../validate';

const listQuery = z
  .object({
    scope: z.enum(['mine', 'team', 'missed']).default('mine'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const outcomeBody = z.discriminatedUnion('outcome', [
  z
    .object({
      outcome: z.literal('result'),
      note: z.string().trim().max(5000).optional(),
      reason: z.string().trim().max(500).optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('refusal'),
      reason: z.string().trim().min(1, 'say why the customer refused').max(500),
      note: z.string().trim().max(5000).optional(),
    })
    .strict(),
  z
    .object({
      outcome: z.literal('postponed'),
      callback_at: z.coerce
        .date()
        .refine((date) => date.getTime() > Date.now() - 60_000, 'the callback time is in the past'),
      note: z.string().trim().max(5000).optional(),
      reason: z.string().trim().max(500).optional(),
    })
    .strict(),
]);

const originateBody = z
  .object({ number: z.string().trim().min(1).max(100), customer_id: z.string().uuid().optional() })
  .strict();

/** /api/calls: lists, the active cards, call control, outcomes and click-to-dial. */
export function callsRoutes(calls: CallsService, db: Db): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json(await calls.list(actorOf(req), parse(listQuery, req.query)));
  });

  router.get('/active', async (req, res) => {
    res.json(await calls.activeCards(actorOf(req)));
  });

  router.post('/originate', async (req, res) => {
    const body = parse(originateBody, req.body);
    const call = await calls.originate(actorOf(req), {
      number: body.number,
      customerId: body.customer_id,
    });
    res.status(201).json(call);
  });

  router.get('/:id', async (req, res) => {
    const call = await calls.get(actorOf(req), idParam(req));
    res.json({ ...call, recordings: await recordingsOfCall(db, call.id) });
  });

  router.post('/:id/answer', async (req, res) => {
    await calls.answer(actorOf(req), idParam(req));
    res.status(202).json({ accepted: true });
  });

  router.post('/:id/hangup', async (req, res) => {
    await calls.hangup(actorOf(req), idParam(req));
    res.status(202).json({ accepted: true });
  });

  router.post('/:id/outcome', async (req, res) => {
    const body = parse(outcomeBody, req.body);
    const summary = await calls.recordOutcome(actorOf(req), idParam(req), {
      outcome: body.outcome,
      reason: body.reason,
      note: body.note,
      callbackAt: body.outcome === 'postponed' ? body.callback_at : undefined,
    });
    res.json(summary);
  });

  return router;
}

const simCallBody = z
  .object({ from: z.string().max(100), to: z.string().max(100).optional() })
  .strict();

/** /api/sim: the simulated PBX's own controls (supervisors and admins, TELEPHONY=sim only). */
export function simRoutes(
  simulate: ((call: { from: string; to: string }) => Promise<string>) | undefined,
  findCallId: (providerCallId: string) => Promise<string | undefined>,
): Router {
  const router = Router();

  router.post('/calls', async (req, res) => {
    requireRole(actorOf(req), 'supervisor', 'admin');
    if (!simulate) throw new AppError('NOT_SUPPORTED', { message: 'TELEPHONY is not sim.' });

    const body = parse(simCallBody, req.body);
    const providerCallId = await simulate({ from: body.from, to: body.to ?? '+74950000000' });
    const id = await findCallId(providerCallId);
    res.status(201).json({ id, providerCallId });
  });

  return router;
}
