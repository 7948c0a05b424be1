import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../database';
import type { Customer, CustomerPhone, PhoneKind, Rating } from '../schema';

/** Which teams' customers a query may see: a list of team ids, or every team. */
export type TeamScope = { teams: string[] } | 'all';

export interface PhoneRow {
  raw: string;
  e164: string | null;
  digits: string;
  extension: string | null;
  valid: boolean;
  problem: string | null;
  kind: PhoneKind;
}

export interface CustomerFields {
  name?: string;
  company?: string | null;
  city?: string | null;
  line_of_business?: string | null;
  rating?: Rating;
  team_id?: string | null;
  owner_id?: string | null;
  custom_fields?: Record<string, unknown>;
}

export interface CustomerWithPhones extends Customer {
  phones: CustomerPhone[];
}

/** How a typed phone is looked up: the exact E.164, or a suffix of the stored digits. */
export interface PhoneLookup {
  e164: string | null;
  digits: string | null;
}

export async function insertCustomer(
  db: Db,
  fields: CustomerFields,
  phones: PhoneRow[],
): Promise<CustomerWithPhones> {
  return db.transaction().execute(async (trx) => {
    const customer = await trx
      .insertInto('customers')
      .values(fields)
      .returningAll()
      .executeTakeFirstOrThrow();
    const rows = await insertPhones(trx, customer.id, phones);

    return { ...customer, phones: rows };
  });
}

export async function insertPhones(
  db: Db,
  customerId: string,
  phones: PhoneRow[],
): Promise<CustomerPhone[]> {
  if (phones.length === 0) return [];

  return db
    .insertInto('customer_phones')
    .values(phones.map((phone) => ({ ...phone, customer_id: customerId })))
    .returningAll()
    .execute();
}

export async function deletePhone(db: Db, customerId: string, phoneId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('customer_phones')
    .where('id', '=', phoneId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function updateCustomer(
  db: Db,
  id: string,
  fields: CustomerFields,
): Promise<Customer | undefined> {
  const { custom_fields: customFields, ...plain } = fields;

  return db
    .updateTable('customers')
    .set({
      ...plain,
      // Custom fields are merged key by key, so two editors of different fields both win; a
      // null value removes its key.
      ...(customFields
        ? { custom_fields: sql`jsonb_strip_nulls(custom_fields || ${customFields}::jsonb)` }
        : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findCustomer(db: Db, id: string): Promise<CustomerWithPhones | undefined> {
  const customer = await db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!customer) return undefined;

  const phones = await phonesOf(db, [id]);
  return { ...customer, phones };
}

async function phonesOf(db: Db, customerIds: string[]): Promise<CustomerPhone[]> {
  if (customerIds.length === 0) return [];

  return db
    .selectFrom('customer_phones')
    .selectAll()
    .where('customer_id', 'in', customerIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The customer who owns a number: by E.164 when it has one, else by its exact digits. */
export async function findCustomerIdByPhone(
  db: Db,
  phone: PhoneLookup,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('customer_phones')
    .innerJoin('customers', 'customers.id', 'customer_phones.customer_id')
    .select('customers.id')
    .where('customers.merged_into_id', 'is', null)
    .where((eb) =>
      phone.e164
        ? eb('customer_phones.e164', '=', phone.e164)
        : eb('digits', '=', phone.digits ?? ''),
    )
    .orderBy('customer_phones.created_at')
    .limit(1)
    .executeTakeFirst();

  return row?.id;
}

/**
 * Customers matching a text (name or company, by trigram similarity) or a typed phone, newest
 * first, within the scope. Merged-away customers never appear.
 */
export async function searchCustomers(
  db: Db,
  options: {
    scope: TeamScope;
    text?: string;
    phone?: PhoneLookup;
    limit: number;
    offset: number;
  },
): Promise<{ customers: CustomerWithPhones[]; total: number }> {
  let query = db.selectFrom('customers').where('merged_into_id', 'is', null);

  if (options.scope !== 'all') {
    const teams = options.scope.teams;
    query = query.where((eb) =>
      eb.or([eb('team_id', 'is', null), ...(teams.length ? [eb('team_id', 'in', teams)] : [])]),
    );
  }

  const text = options.text?.trim().toLowerCase();
  const phone = options.phone;
  if (text || phone) {
    query = query.where((eb) => {
      const matches: Expression<SqlBool>[] = [];
      if (text) matches.push(sql<SqlBool>`search_text LIKE ${`%${escapeLike(text)}%`}`);
      if (phone?.e164) {
        matches.push(
          eb.exists(
            eb
              .selectFrom('customer_phones as p')
              .select(sql`1`.as('one'))
              .whereRef('p.customer_id', '=', 'customers.id')
              .where('p.e164', '=', phone.e164),
          ),
        );
      }
      if (phone?.digits) {
        const reversed = [...phone.digits].reverse().join('');
        matches.push(
          eb.exists(
            eb
              .selectFrom('customer_phones as p')
              .select(sql`1`.as('one'))
              .whereRef('p.customer_id', '=', 'customers.id')
              .where(sql<string>`reverse(p.digits)`, 'like', `${escapeLike(reversed)}%`),
          ),
        );
      }
      return eb.or(matches);
    });
  }

  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);

  const phones = await phonesOf(
    db,
    rows.map((row) => row.id),
  );
  const customers = rows.map((row) => ({
    ...row,
    phones: phones.filter((phone) => phone.customer_id === row.id),
  }));

  return { customers, total: count.total };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * Folds `mergedId` into `keepId` in one transaction: phones, calls, leads, callbacks and notes
 * move; empty fields of the kept customer are filled from the other; custom fields are united
 * (the kept customer's values win); the merged customer stays as a pointer for old links.
 */
export async function mergeCustomers(db: Db, keepId: string, mergedId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('customers')
      .selectAll()
      .where('id', 'in', [keepId, mergedId])
      .orderBy('id')
      .forUpdate()
      .execute();
    const keep = locked.find((row) => row.id === keepId);
    const merged = locked.find((row) => row.id === mergedId);
    if (!keep || !merged) throw new Error('merge: a customer vanished under the lock');

    // Numbers both already have stay once, on the kept customer.
    await trx
      .deleteFrom('customer_phones as m')
      .where('m.customer_id', '=', mergedId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('customer_phones as k')
            .select(sql`1`.as('one'))
            .where('k.customer_id', '=', keepId)
            .whereRef('k.digits', '=', 'm.digits')
            .where(sql<SqlBool>`coalesce(k.extension, '') = coalesce(m.extension, '')`),
        ),
      )
      .execute();

    for (const table of ['customer_phones', 'calls', 'leads', 'callbacks', 'notes'] as const) {
      await trx
        .updateTable(table)
        .set({ customer_id: keepId })
        .where('customer_id', '=', mergedId)
        .execute();
    }

    await trx
      .updateTable('customers')
      .set({
        name: keep.name || merged.name,
        company: keep.company ?? merged.company,
        city: keep.city ?? merged.city,
        line_of_business: keep.line_of_business ?? merged.line_of_business,
        rating: keep.rating === 'unknown' ? merged.rating : keep.rating,
        owner_id: keep.owner_id ?? merged.owner_id,
        team_id: keep.team_id ?? merged.team_id,
        custom_fields: { ...merged.custom_fields, ...keep.custom_fields },
        updated_at: sql`now()`,
      })
      .where('id', '=', keepId)
      .execute();
    await trx
      .updateTable('customers')
      .set({ merged_into_id: keepId, updated_at: sql`now()` })
      .where('id', '=', mergedId)
      .execute();
  });
}

/** Some customers' numbers as they were typed, for the simulator's demo callers. */
export async function knownCustomerNumbers(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_phones')
    .select('raw')
    .where('valid', '=', true)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.raw);
}

/**
 * The customer owning a number, as `findCustomerIdByPhone` finds it, as a subquery for
 * statements that look the caller up on the way (the call's first statement, the card).
 */
export function customerByPhone(phone: PhoneLookup) {
  const match = phone.e164 ? sql`p.e164 = ${phone.e164}` : sql`p.digits = ${phone.digits ?? ''}`;
  return sql<string>`
    SELECT c.id FROM customer_phones p JOIN customers c ON c.id = p.customer_id
     WHERE c.merged_into_id IS NULL AND ${match}
     ORDER BY p.created_at LIMIT 1`;
}
