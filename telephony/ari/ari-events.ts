import { z } from 'zod';

/**
 * The ARI models and events the adapter reads, parsed at the boundary. Only the fields used are
 * declared; Asterisk sends more, which zod drops.
 */

const callerIdSchema = z.object({
  name: z.string().default(''),
  number: z.string().default(''),
});

export const ariChannelSchema = z.object({
  id: z.string(),
  name: z.string().default(''),
  /** Down, Rsrved, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring. */
  state: z.string(),
  caller: callerIdSchema.default({}),
  dialplan: z
    .object({
      context: z.string().default(''),
      exten: z.string().default(''),
      app_name: z.string().default(''),
      app_data: z.string().default(''),
    })
    .optional(),
});

export type AriChannel = z.infer<typeof ariChannelSchema>;

export const ariBridgeSchema = z.object({
  id: z.string(),
  channels: z.array(z.string()).default([]),
});

export type AriBridge = z.infer<typeof ariBridgeSchema>;

const liveRecordingSchema = z.object({
  name: z.string(),
  format: z.string(),
  state: z.string().optional(),
  duration: z.number().optional(),
  cause: z.string().optional(),
});

const eventBase = { application: z.string().optional(), timestamp: z.string().optional() };

const ariEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('StasisStart'),
    ...eventBase,
    args: z.array(z.string()).default([]),
    channel: ariChannelSchema,
  }),
  z.object({
    type: z.literal('ChannelDestroyed'),
    ...eventBase,
    cause: z.number().default(0),
    cause_txt: z.string().default(''),
    channel: ariChannelSchema,
  }),
  z.object({ type: z.literal('RecordingFinished'), ...eventBase, recording: liveRecordingSchema }),
  z.object({ type: z.literal('RecordingFailed'), ...eventBase, recording: liveRecordingSchema }),
]);

export type AriEvent = z.infer<typeof ariEventSchema>;

const HANDLED_TYPES = new Set([
  'StasisStart',
  'ChannelDestroyed',
  'RecordingFinished',
  'RecordingFailed',
]);

export type ParsedAriEvent =
  | { kind: 'event'; event: AriEvent }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; type: string; issues: string };

/**
 * Sorts an event from the socket: one the adapter acts on (parsed), one it has no use for
 * (ChannelStateChange, Dial, BridgeCreated, ...), or one whose shape is not what ARI documents.
 */
export function parseAriEvent(raw: unknown): ParsedAriEvent {
  const type =
    typeof raw === 'object' && raw !== null && 'type' in raw && typeof raw.type === 'string'
      ? raw.type
      : '';
  if (!HANDLED_TYPES.has(type)) return { kind: 'ignored', type };

  const parsed = ariEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { kind: 'invalid', type, issues };
  }

  return { kind: 'event', event: parsed.data };
}

/**
 * The arguments a channel was given when it entered this application's Stasis dialplan
 * application, read from GET /channels (`app_data` is `app,arg1,arg2`). Undefined when the
 * channel is not in this application.
 */
export function stasisArgs(channel: AriChannel, app: string): string[] | undefined {
  if (channel.dialplan?.app_name !== 'Stasis') return undefined;

  const [name, ...args] = channel.dialplan.app_data.split(',');
  return name === app ? args : undefined;
}
