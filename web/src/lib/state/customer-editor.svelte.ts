import { api } from '$lib/api/api-client';
import type { CustomValue, CustomerEdits, Rating } from '$lib/api/types';
import { Autosave } from './autosave.svelte';
import { onCustomerChanged } from './customer-changes';

/** The customer's own columns an operator edits, by their API names. */
export type TextField = 'name' | 'company' | 'city' | 'line_of_business';

export interface EditableCustomer {
  id: string;
  name: string;
  company: string | null;
  city: string | null;
  line_of_business: string | null;
  rating: Rating;
  custom_fields: Record<string, unknown>;
}

const CUSTOM = 'custom:';
const TEXT_FIELDS: TextField[] = ['name', 'company', 'city', 'line_of_business'];

/**
 * One customer's editable fields as the inputs show them, saved as they are typed and kept in
 * step with other viewers: a remote edit lands only in fields this viewer is not changing.
 */
export class CustomerEditor {
  readonly customerId: string;
  text = $state<Record<TextField, string>>({
    name: '',
    company: '',
    city: '',
    line_of_business: '',
  });
  rating = $state<Rating>('unknown');
  custom = $state<Record<string, CustomValue>>({});
  readonly autosave: Autosave;
  private readonly stopListening: () => void;

  constructor(customer: EditableCustomer) {
    this.customerId = customer.id;
    this.text = {
      name: customer.name,
      company: customer.company ?? '',
      city: customer.city ?? '',
      line_of_business: customer.line_of_business ?? '',
    };
    this.rating = customer.rating;
    this.custom = readCustomFields(customer.custom_fields);

    this.autosave = new Autosave({
      send: (changes) => api.patch(`/api/customers/${this.customerId}`, toEdits(changes)),
    });
    this.stopListening = onCustomerChanged((change) => {
      if (change.customerId === this.customerId) this.applyRemote(change.fields);
    });
  }

  editText(field: TextField, value: string): void {
    this.text[field] = value;
    this.autosave.change(field, value);
  }

  editRating(rating: Rating): void {
    this.rating = rating;
    this.autosave.change('rating', rating);
  }

  editCustom(key: string, value: CustomValue): void {
    this.custom[key] = value;
    this.autosave.change(CUSTOM + key, value);
  }

  removeCustom(key: string): void {
    delete this.custom[key];
    this.autosave.change(CUSTOM + key, null);
  }

  /** Applies fields another viewer saved (snake_case, as PATCH takes them). */
  applyRemote(fields: Record<string, unknown>): void {
    for (const field of TEXT_FIELDS) {
      if (!(field in fields) || this.autosave.isDirty(field)) continue;
      const value = fields[field];
      this.text[field] = typeof value === 'string' ? value : '';
    }

    const rating = fields.rating;
    if (isRating(rating) && !this.autosave.isDirty('rating')) this.rating = rating;

    const custom = fields.custom_fields;
    if (custom && typeof custom === 'object') {
      for (const [key, value] of Object.entries(
        readCustomFields(custom as Record<string, unknown>, true),
      )) {
        if (this.autosave.isDirty(CUSTOM + key)) continue;
        if (value === null) delete this.custom[key];
        else this.custom[key] = value;
      }
    }
  }

  destroy(): void {
    this.stopListening();
    this.autosave.destroy();
  }
}

/** The PATCH body for a set of changes: empty optional text becomes null, custom keys merge. */
function toEdits(changes: Map<string, unknown>): CustomerEdits {
  const edits: CustomerEdits = {};
  const custom: Record<string, CustomValue> = {};

  for (const [key, value] of changes) {
    if (key.startsWith(CUSTOM)) custom[key.slice(CUSTOM.length)] = value as CustomValue;
    else if (key === 'rating') edits.rating = value as Rating;
    else if (key === 'name') edits.name = String(value);
    else if (isTextField(key)) edits[key] = String(value).trim() === '' ? null : String(value);
  }
  if (Object.keys(custom).length > 0) edits.custom_fields = custom;

  return edits;
}

function readCustomFields(
  fields: Record<string, unknown>,
  keepNull = false,
): Record<string, CustomValue> {
  const result: Record<string, CustomValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      result[key] = value;
    } else if (value === null && keepNull) {
      result[key] = null;
    }
  }
  return result;
}

function isTextField(key: string): key is Exclude<TextField, 'name'> {
  return key === 'company' || key === 'city' || key === 'line_of_business';
}

function isRating(value: unknown): value is Rating {
  return value === 'good' || value === 'bad' || value === 'unknown';
}
