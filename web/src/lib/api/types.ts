/**
 * The REST API's answers as the console reads them (JSON: dates are ISO strings). The socket
 * payloads are not here: they come typed from the server through `$shared`.
 */
import type { PresencePayload } from '$shared/realtime/events';

export type Presence = PresencePayload['status'];
export type ChosenPresence = Extract<Presence, 'available' | 'away' | 'offline'>;
export type Role = 'operator' | 'supervisor' | 'admin';
export type Rating = 'good' | 'bad' | 'unknown';
export type Outcome = 'result' | 'refusal' | 'postponed';
export type CustomValue = string | number | boolean | null;

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  team_id: string | null;
  status: Presence;
  status_changed_at: string;
  endpoint: string | null;
}

export interface CustomerPhone {
  id: string;
  raw: string;
  e164: string | null;
  valid: boolean;
  kind: string;
  extension: string | null;
}

export interface Customer {
  id: string;
  name: string;
  company: string | null;
  city: string | null;
  line_of_business: string | null;
  rating: Rating;
  custom_fields: Record<string, CustomValue>;
  phones: CustomerPhone[];
  created_at: string;
  updated_at: string;
}

/** The fields an operator edits; PATCH /api/customers/:id takes any subset of them. */
export interface CustomerEdits {
  name?: string;
  company?: string | null;
  city?: string | null;
  line_of_business?: string | null;
  rating?: Rating;
  custom_fields?: Record<string, CustomValue>;
}

export interface CustomerSearchResult {
  customers: Customer[];
  total: number;
}

export interface TimelineCall {
  id: string;
  direction: 'inbound' | 'outbound';
  state: string;
  from_raw: string;
  from_e164: string | null;
  operator_name: string | null;
  offered_at: string;
  answered_at: string | null;
  ended_at: string | null;
  end_cause: string | null;
  missed: boolean;
  outcome: Outcome | null;
  outcome_reason: string | null;
  outcome_note: string | null;
}

export interface TimelineLead {
  id: string;
  source: string;
  status: string;
  hotness: number;
  title: string | null;
  created_at: string;
  closed_at: string | null;
}

export interface TimelineCallback {
  id: string;
  reason: string;
  due_at: string;
  note: string | null;
  done_at: string | null;
}

export interface TimelineNote {
  id: string;
  body: string;
  author_id: string | null;
  call_id: string | null;
  created_at: string;
}

export interface Timeline {
  calls: TimelineCall[];
  leads: TimelineLead[];
  callbacks: TimelineCallback[];
  notes: TimelineNote[];
}

/** An open callback in My work (GET /api/callbacks). */
export interface CallbackTask {
  id: string;
  customer_id: string;
  customer_name: string;
  reason: 'missed_call' | 'postponed' | 'manual';
  due_at: string;
  note: string | null;
  owner_id: string | null;
  done_at: string | null;
  call_id: string | null;
}

export interface OutcomeInput {
  outcome: Outcome;
  reason?: string;
  note?: string;
  callback_at?: string;
}
