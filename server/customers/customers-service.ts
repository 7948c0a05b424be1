import type { Db } from '../../db/database';
import { isUniqueViolation } from '../../db/errors';
import { appendAudit } from '../../db/queries/audit';
import {
  deletePhone,
  findCustomer,
  insertCustomer,
  insertPhones,
  mergeCustomers,
  searchCustomers,
  updateCustomer,
} from '../../db/queries/customers';
import type { CustomerFields, CustomerWithPhones, PhoneRow } from '../../db/queries/customers';
import { customerTimeline, insertNote } from '../../db/queries/timeline';
import type { Timeline } from '../../db/queries/timeline';
import type { PhoneKind } from '../../db/schema';
import { requireRole, requireTeamAccess, teamScope } from '../auth/access';
import type { Actor } from '../auth/access';
import { AppError } from '../errors/app-error';
import { normalizePhone, phoneSearchKeys } from '../phones/phone-number';
import type { CountryCode } from '../phones/phone-number';

export interface TypedPhone {
  number: string;
  kind?: PhoneKind;
}

/** Customers: creation with normalized phones, team-scoped reads, search, timeline, merging. */
export type CustomerChangeListener = (change: {
  customer: CustomerWithPhones;
  fields: CustomerFields;
  actor: Actor;
}) => void;

export class CustomersService {
  private readonly changeListeners = new Set<CustomerChangeListener>();

  /** Called after every saved edit, so other viewers of the card see it. */
  onChange(listener: CustomerChangeListener): void {
    this.changeListeners.add(listener);
  }

  constructor(
    private readonly db: Db,
    private readonly defaultCountry: CountryCode,
  ) {}

  /** Turns typed numbers into rows; invalid ones are kept raw and flagged, never dropped. */
  phoneRows(phones: TypedPhone[]): PhoneRow[] {
    return phones.map(({ number, kind }) => {
      const phone = normalizePhone(number, this.defaultCountry);

      return {
        raw: phone.raw,
        e164: phone.e164,
        digits: phone.digits,
        extension: phone.extension,
        valid: phone.valid,
        problem: phone.problem,
        kind: kind ?? (phone.type === 'MOBILE' ? 'mobile' : 'other'),
      };
    });
  }

  async create(
    actor: Actor,
    fields: CustomerFields,
    phones: TypedPhone[],
  ): Promise<CustomerWithPhones> {
    const teamId = fields.team_id === undefined ? actor.team_id : fields.team_id;
    requireTeamAccess(actor, teamId);

    const customer = await withPhoneConflict(() =>
      insertCustomer(this.db, { ...fields, team_id: teamId }, this.phoneRows(phones)),
    );
    await this.audit(actor, 'customer.create', customer.id);
    return customer;
  }

  async get(actor: Actor, id: string): Promise<CustomerWithPhones> {
    const customer = await findCustomer(this.db, id);
    if (!customer) throw new AppError('NOT_FOUND', { message: 'No such customer.' });

    requireTeamAccess(actor, customer.team_id);
    return customer;
  }

  async update(actor: Actor, id: string, fields: CustomerFields): Promise<CustomerWithPhones> {
    const current = await this.get(actor, id);
    if (fields.team_id !== undefined && fields.team_id !== current.team_id) {
      requireRole(actor, 'supervisor', 'admin');
      requireTeamAccess(actor, fields.team_id);
    }

    await updateCustomer(this.db, id, fields);
    await this.audit(actor, 'customer.update', id, { fields: Object.keys(fields) });
    const customer = await this.get(actor, id);
    for (const listener of this.changeListeners) listener({ customer, fields, actor });
    return customer;
  }

  async addPhone(actor: Actor, id: string, phone: TypedPhone): Promise<CustomerWithPhones> {
    await this.get(actor, id);

    await withPhoneConflict(() => insertPhones(this.db, id, this.phoneRows([phone])));
    return this.get(actor, id);
  }

  async removePhone(actor: Actor, id: string, phoneId: string): Promise<CustomerWithPhones> {
    await this.get(actor, id);

    if (!(await deletePhone(this.db, id, phoneId))) throw new AppError('NOT_FOUND');
    return this.get(actor, id);
  }

  /** Finds customers by name, company or any typed form of a phone number. */
  async search(actor: Actor, options: { q?: string; limit: number; offset: number }) {
    const q = options.q?.trim();
    const phone = q ? phoneSearchKeys(q, this.defaultCountry) : undefined;
    const looksLikePhone = q !== undefined && /^[\d\s()+\-.#]+$/.test(q);

    return searchCustomers(this.db, {
      scope: teamScope(actor),
      text: q && !looksLikePhone ? q : undefined,
      phone: phone && (phone.e164 || phone.digits) ? phone : undefined,
      limit: options.limit,
      offset: options.offset,
    });
  }

  async timeline(actor: Actor, id: string): Promise<Timeline> {
    await this.get(actor, id);

    return customerTimeline(this.db, id);
  }

  async addNote(actor: Actor, id: string, body: string, callId?: string | null) {
    await this.get(actor, id);

    return insertNote(this.db, { customerId: id, authorId: actor.id, body, callId });
  }

  /** Merges `otherId` into `keepId`: supervisors within their team, admins anywhere. */
  async merge(actor: Actor, keepId: string, otherId: string): Promise<CustomerWithPhones> {
    requireRole(actor, 'supervisor', 'admin');
    if (keepId === otherId) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'A customer cannot be merged into itself.',
      });
    }

    const other = await this.get(actor, otherId);
    await this.get(actor, keepId);
    if (other.merged_into_id) {
      throw new AppError('CONFLICT', { message: 'That customer was already merged.' });
    }

    await mergeCustomers(this.db, keepId, otherId);
    await this.audit(actor, 'customer.merge', keepId, { merged: otherId });
    return this.get(actor, keepId);
  }

  private audit(actor: Actor, action: string, id: string, data?: Record<string, unknown>) {
    return appendAudit(this.db, {
      actorId: actor.id,
      action,
      entity: 'customer',
      entityId: id,
      data,
    });
  }
}

/** A number that already belongs to someone becomes PHONE_TAKEN rather than a 500. */
async function withPhoneConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, 'customer_phones_e164_key')) throw new AppError('PHONE_TAKEN');
    throw error;
  }
}
