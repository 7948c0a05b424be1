import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps are Dates on the way out; inserts and updates may pass a Date or an ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type JsonObject = Record<string, unknown>;
/** A timestamp the database fills in by default. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb object the database fills in by default; postgres.js serializes objects itself. */
type DefaultJson = ColumnType<JsonObject, JsonObject | undefined, JsonObject>;

export type Role = 'operator' | 'supervisor' | 'admin';
export type Presence = 'offline' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'away';
export type Rating = 'good' | 'bad' | 'unknown';
export type PhoneKind = 'mobile' | 'landline' | 'work' | 'home' | 'fax' | 'other';
export type LeadSource = 'call' | 'missed_call' | 'web_form' | 'cold_list' | 'manual';
export type LeadStatus = 'new' | 'in_progress' | 'won' | 'lost' | 'postponed';
export type CallState = 'offered' | 'queued' | 'ringing' | 'answered' | 'ended';
export type Outcome = 'result' | 'refusal' | 'postponed';
export type CallbackReason = 'missed_call' | 'postponed' | 'manual';

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  team_id: string | null;
  active: Generated<boolean>;
  skills: Generated<string[]>;
  endpoint: string | null;
  status: Generated<Presence>;
  status_changed_at: DefaultTimestamp;
  idle_since: DefaultTimestamp;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginFailuresTable {
  id: Generated<string>;
  email: string;
  ip: string;
  at: DefaultTimestamp;
}

export interface CustomersTable {
  id: Generated<string>;
  name: Generated<string>;
  company: string | null;
  city: string | null;
  line_of_business: string | null;
  rating: Generated<Rating>;
  team_id: string | null;
  owner_id: string | null;
  custom_fields: DefaultJson;
  merged_into_id: string | null;
  search_text: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
}

export interface CustomerPhonesTable {
  id: Generated<string>;
  customer_id: string;
  raw: string;
  e164: string | null;
  digits: string;
  extension: string | null;
  valid: boolean;
  problem: string | null;
  kind: Generated<PhoneKind>;
  created_at: CreatedAt;
}

export interface CallsTable {
  id: Generated<string>;
  provider: string;
  provider_call_id: string;
  direction: 'inbound' | 'outbound';
  state: Generated<CallState>;
  from_raw: string;
  from_e164: string | null;
  to_raw: string;
  to_e164: string | null;
  customer_id: string | null;
  team_id: string | null;
  operator_id: string | null;
  lead_id: string | null;
  routing_reason: string | null;
  offered_at: DefaultTimestamp;
  ringing_at: Timestamp | null;
  answered_at: Timestamp | null;
  ended_at: Timestamp | null;
  end_cause: string | null;
  missed: Generated<boolean>;
  outcome: Outcome | null;
  outcome_reason: string | null;
  outcome_note: string | null;
  outcome_at: Timestamp | null;
  updated_at: DefaultTimestamp;
}

export interface CallEventsTable {
  id: Generated<string>;
  call_id: string;
  type: string;
  at: Timestamp;
  recorded_at: CreatedAt;
  payload: DefaultJson;
}

export interface LeadsTable {
  id: Generated<string>;
  customer_id: string;
  team_id: string | null;
  owner_id: string | null;
  call_id: string | null;
  source: LeadSource;
  status: Generated<LeadStatus>;
  hotness: Generated<number>;
  title: string | null;
  created_at: CreatedAt;
  updated_at: DefaultTimestamp;
  closed_at: Timestamp | null;
}

export interface CallbacksTable {
  id: Generated<string>;
  customer_id: string;
  call_id: string | null;
  team_id: string | null;
  owner_id: string | null;
  reason: CallbackReason;
  due_at: Timestamp;
  note: string | null;
  done_at: Timestamp | null;
  done_by: string | null;
  notified_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface NotesTable {
  id: Generated<string>;
  customer_id: string;
  call_id: string | null;
  author_id: string | null;
  body: string;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  actor_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  data: DefaultJson;
  at: CreatedAt;
}

export interface RecordingsTable {
  id: Generated<string>;
  call_id: string;
  provider: string;
  provider_recording_id: string;
  status: Generated<'pending' | 'stored' | 'failed'>;
  format: string;
  path: string | null;
  bytes: string | null;
  sha256: string | null;
  duration_seconds: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  stored_at: Timestamp | null;
}

export interface Database {
  teams: TeamsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  customers: CustomersTable;
  customer_phones: CustomerPhonesTable;
  calls: CallsTable;
  call_events: CallEventsTable;
  leads: LeadsTable;
  callbacks: CallbacksTable;
  notes: NotesTable;
  audit_log: AuditLogTable;
  recordings: RecordingsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Team = Selectable<TeamsTable>;
export type Customer = Selectable<CustomersTable>;
export type CustomerPhone = Selectable<CustomerPhonesTable>;
export type Call = Selectable<CallsTable>;
export type Lead = Selectable<LeadsTable>;
export type Callback = Selectable<CallbacksTable>;
export type Note = Selectable<NotesTable>;
export type Recording = Selectable<RecordingsTable>;
