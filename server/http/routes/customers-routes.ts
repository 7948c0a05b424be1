import { Router } from 'express';
import { z } from 'zod';
import type { CustomersService } from '../../customers/customers-service';
import { actorOf, idParam } from '../request-context';
import { parse } from '../validate';

const phoneKind = z.enum(['mobile', 'landline', 'work', 'home', 'fax', 'other']);
const typedPhone = z
  .union([
    z.string().max(100),
    z.object({ number: z.string().max(100), kind: phoneKind.optional() }).strict(),
  ])
  .transform((phone) => (typeof phone === 'string' ? { number: phone } : phone));

const customValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const text = (max: number) => z.string().trim().max(max);

const editableFields = {
  name: text(300),
  company: text(300).nullable(),
  city: text(200).nullable(),
  line_of_business: text(200).nullable(),
  rating: z.enum(['good', 'bad', 'unknown']),
  owner_id: z.string().uuid().nullable(),
  team_id: z.string().uuid().nullable(),
  custom_fields: z.record(z.string().max(100), customValue),
};

const createBody = z
  .object({
    ...editableFields,
    name: text(300).default(''),
    phones: z.array(typedPhone).max(20).default([]),
  })
  .partial({ company: true, city: true, line_of_business: true, rating: true })
  .partial({ owner_id: true, team_id: true, custom_fields: true })
  .strict();

const updateBody = z.object(editableFields).partial().strict();

const listQuery = z
  .object({
    q: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const mergeBody = z.object({ other_id: z.string().uuid() }).strict();
const noteBody = z
  .object({ body: z.string().trim().min(1).max(10_000), call_id: z.string().uuid().optional() })
  .strict();

/** /api/customers: create, read, update, search, phones, notes, timeline and merge. */
export function customersRoutes(customers: CustomersService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const { phones, ...fields } = parse(createBody, req.body);
    res.status(201).json(await customers.create(actorOf(req), fields, phones));
  });

  router.get('/', async (req, res) => {
    const query = parse(listQuery, req.query);
    res.json(await customers.search(actorOf(req), query));
  });

  router.get('/:id', async (req, res) => {
    res.json(await customers.get(actorOf(req), idParam(req)));
  });

  router.patch('/:id', async (req, res) => {
    const fields = parse(updateBody, req.body);
    res.json(await customers.update(actorOf(req), idParam(req), fields));
  });

  router.get('/:id/timeline', async (req, res) => {
    res.json(await customers.timeline(actorOf(req), idParam(req)));
  });

  router.post('/:id/phones', async (req, res) => {
    const phone = parse(typedPhone, req.body);
    res.status(201).json(await customers.addPhone(actorOf(req), idParam(req), phone));
  });

  router.delete('/:id/phones/:phoneId', async (req, res) => {
    const id = idParam(req);
    res.json(await customers.removePhone(actorOf(req), id, idParam(req, 'phoneId')));
  });

  router.post('/:id/notes', async (req, res) => {
    const { body, call_id: callId } = parse(noteBody, req.body);
    res.status(201).json(await customers.addNote(actorOf(req), idParam(req), body, callId));
  });

  router.post('/:id/merge', async (req, res) => {
    const { other_id: otherId } = parse(mergeBody, req.body);
    res.json(await customers.merge(actorOf(req), idParam(req), otherId));
  });

  return router;
}
