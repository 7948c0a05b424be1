import { AriHttpError, asteriskTime, type FakeAsterisk } from './fake-asterisk';

/** What a REST route answers: JSON, audio, or nothing (204). */
export interface RestResponse {
  status: number;
  json?: unknown;
  audio?: Buffer;
}

interface RouteContext {
  asterisk: FakeAsterisk;
  /** The application that owns bridges created over REST. */
  app: string;
  params: string[];
  query: URLSearchParams;
}

type Handler = (context: RouteContext) => RestResponse;

const NO_CONTENT: RestResponse = { status: 204 };

/** ARI's hangup reasons and the Q.850 causes Asterisk reports for them. */
const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  no_answer: 19,
  rejected: 21,
  answered_elsewhere: 26,
  congestion: 34,
  unallocated: 1,
};

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: 'GET', pattern: /^\/asterisk\/info$/, handler: asteriskInfo },
  {
    method: 'GET',
    pattern: /^\/asterisk\/ping$/,
    handler: () => json({ asterisk_id: 'fake-asterisk', ping: 'pong', timestamp: asteriskTime() }),
  },
  { method: 'GET', pattern: /^\/applications$/, handler: (c) => json([application(c, c.app)]) },
  {
    method: 'GET',
    pattern: /^\/applications\/([^/]+)$/,
    handler: (c) => json(application(c, param(c, 0))),
  },
  { method: 'GET', pattern: /^\/endpoints$/, handler: () => json([]) },
  {
    method: 'GET',
    pattern: /^\/channels$/,
    handler: ({ asterisk }) =>
      json([...asterisk.channels.values()].map((ch) => asterisk.channelJson(ch))),
  },
  { method: 'POST', pattern: /^\/channels$/, handler: originate },
  {
    method: 'GET',
    pattern: /^\/channels\/([^/]+)$/,
    handler: (c) => json(c.asterisk.channelJson(c.asterisk.requireChannel(param(c, 0)))),
  },
  { method: 'DELETE', pattern: /^\/channels\/([^/]+)$/, handler: hangup },
  { method: 'POST', pattern: /^\/channels\/([^/]+)\/answer$/, handler: answer },
  {
    method: 'POST',
    pattern: /^\/channels\/([^/]+)\/ring$/,
    handler: (c) => (c.asterisk.requireChannel(param(c, 0)), NO_CONTENT),
  },
  { method: 'POST', pattern: /^\/channels\/([^/]+)\/record$/, handler: recordChannel },
  { method: 'POST', pattern: /^\/channels\/([^/]+)\/snoop$/, handler: snoop },
  {
    method: 'GET',
    pattern: /^\/bridges$/,
    handler: ({ asterisk }) =>
      json([...asterisk.bridges.values()].map((b) => asterisk.bridgeJson(b))),
  },
  {
    method: 'POST',
    pattern: /^\/bridges$/,
    handler: (c) =>
      json(c.asterisk.bridgeJson(c.asterisk.createBridge(c.app, c.query.get('bridgeId') ?? ''))),
  },
  {
    method: 'GET',
    pattern: /^\/bridges\/([^/]+)$/,
    handler: (c) => json(c.asterisk.bridgeJson(c.asterisk.requireBridge(param(c, 0)))),
  },
  {
    method: 'DELETE',
    pattern: /^\/bridges\/([^/]+)$/,
    handler: (c) => (c.asterisk.destroyBridge(param(c, 0)), NO_CONTENT),
  },
  { method: 'POST', pattern: /^\/bridges\/([^/]+)\/addChannel$/, handler: addChannel },
  { method: 'POST', pattern: /^\/bridges\/([^/]+)\/record$/, handler: recordBridge },
  {
    method: 'GET',
    pattern: /^\/recordings\/stored$/,
    handler: ({ asterisk }) =>
      json([...asterisk.storedRecordings.values()].map(({ name, format }) => ({ name, format }))),
  },
  {
    method: 'GET',
    pattern: /^\/recordings\/stored\/([^/]+)$/,
    handler: (c) => {
      const { name, format } = storedRecording(c);
      return json({ name, format });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/recordings\/stored\/([^/]+)$/,
    handler: (c) => (c.asterisk.storedRecordings.delete(storedRecording(c).name), NO_CONTENT),
  },
  {
    method: 'GET',
    pattern: /^\/recordings\/stored\/([^/]+)\/file$/,
    handler: (c) => ({ status: 200, audio: storedRecording(c).audio }),
  },
  {
    method: 'GET',
    pattern: /^\/recordings\/live\/([^/]+)$/,
    handler: (c) => {
      const recording = c.asterisk.liveRecordings.get(param(c, 0));
      if (!recording) throw new AriHttpError(404, 'Recording not found');
      return json(c.asterisk.recordingJson(recording, 'recording'));
    },
  },
  {
    method: 'POST',
    pattern: /^\/recordings\/live\/([^/]+)\/stop$/,
    handler: (c) => (c.asterisk.finishRecording(param(c, 0)), NO_CONTENT),
  },
];

/**
 * Runs one ARI REST request against the fake PBX. `path` is the part after `/ari`. A refusal
 * comes back as Asterisk's `{ "message": ... }` with its status.
 */
export function handleRest(
  asterisk: FakeAsterisk,
  app: string,
  method: string,
  path: string,
  query: URLSearchParams,
): RestResponse {
  const matching = routes.filter((route) => route.pattern.test(path));
  if (matching.length === 0) return { status: 404, json: { message: 'Resource not found' } };

  const route = matching.find((candidate) => candidate.method === method);
  if (!route) return { status: 405, json: { message: 'Method not allowed' } };

  const params = (route.pattern.exec(path) ?? []).slice(1).map((part) => decodeURIComponent(part));
  try {
    return route.handler({ asterisk, app, params, query });
  } catch (error) {
    if (error instanceof AriHttpError)
      return { status: error.status, json: { message: error.message } };
    throw error;
  }
}

function json(body: unknown, status = 200): RestResponse {
  return { status, json: body };
}

function param(context: RouteContext, index: number): string {
  return context.params[index] ?? '';
}

function required(context: RouteContext, name: string): string {
  const value = context.query.get(name);
  if (!value) throw new AriHttpError(400, `${name}: missing required parameter`);
  return value;
}

function asteriskInfo(): RestResponse {
  return json({
    build: { os: 'Linux', kernel: 'fake', machine: 'x86_64', user: 'fake', date: asteriskTime() },
    system: { version: '20.0.0-fake', entity_id: '00:00:00:00:00:01' },
    config: { name: 'fake-asterisk', default_language: 'en' },
    status: { startup_time: asteriskTime(), last_reload_time: asteriskTime() },
  });
}

function application(context: RouteContext, name: string) {
  const { asterisk } = context;
  if (name !== context.app) throw new AriHttpError(404, 'Application not found');

  return {
    name,
    channel_ids: [...asterisk.channels.values()].filter((ch) => ch.app === name).map((ch) => ch.id),
    bridge_ids: [...asterisk.bridges.values()].filter((b) => b.app === name).map((b) => b.id),
    endpoint_ids: [],
    device_names: [],
  };
}

function originate(context: RouteContext): RestResponse {
  const endpoint = required(context, 'endpoint');
  const app = context.query.get('app');
  if (!app) throw new AriHttpError(400, 'The fake only originates into a Stasis application');

  const channel = context.asterisk.originate({
    endpoint,
    app,
    appArgs: context.query.get('appArgs') ?? '',
    callerId: context.query.get('callerId') ?? '',
    channelId: context.query.get('channelId') ?? undefined,
  });
  return json(context.asterisk.channelJson(channel));
}

function hangup(context: RouteContext): RestResponse {
  const channel = context.asterisk.requireChannel(param(context, 0));
  const reason = context.query.get('reason') ?? 'normal';
  const cause = HANGUP_REASONS[reason];
  if (cause === undefined) throw new AriHttpError(400, 'Invalid reason for hangup provided');

  context.asterisk.hangup(channel.id, cause, true);
  return NO_CONTENT;
}

function answer(context: RouteContext): RestResponse {
  const channel = context.asterisk.requireChannel(param(context, 0));
  if (!channel.inStasis) throw new AriHttpError(409, 'Channel not in a Stasis application');

  context.asterisk.setState(channel.id, 'Up');
  return NO_CONTENT;
}

function snoop(context: RouteContext): RestResponse {
  const channel = context.asterisk.snoop(param(context, 0), {
    spy: context.query.get('spy') ?? 'none',
    whisper: context.query.get('whisper') ?? 'none',
    app: required(context, 'app'),
    appArgs: context.query.get('appArgs') ?? '',
    snoopId: context.query.get('snoopId') ?? undefined,
  });
  return json(context.asterisk.channelJson(channel));
}

function addChannel(context: RouteContext): RestResponse {
  const ids = required(context, 'channel').split(',');
  context.asterisk.addToBridge(param(context, 0), ids);
  return NO_CONTENT;
}

function recordParams(context: RouteContext) {
  return {
    name: required(context, 'name'),
    format: required(context, 'format'),
    ifExists: context.query.get('ifExists') ?? 'fail',
  };
}

function recordBridge(context: RouteContext): RestResponse {
  const bridge = context.asterisk.requireBridge(param(context, 0));
  const recording = context.asterisk.record(
    `bridge:${bridge.id}`,
    bridge.app,
    recordParams(context),
  );
  return json(context.asterisk.recordingJson(recording, 'recording'), 201);
}

function recordChannel(context: RouteContext): RestResponse {
  const channel = context.asterisk.requireChannel(param(context, 0));
  if (!channel.inStasis) throw new AriHttpError(409, 'Channel not in a Stasis application');

  const recording = context.asterisk.record(
    `channel:${channel.id}`,
    channel.app,
    recordParams(context),
  );
  return json(context.asterisk.recordingJson(recording, 'recording'), 201);
}

function storedRecording(context: RouteContext) {
  const recording = context.asterisk.storedRecordings.get(param(context, 0));
  if (!recording) throw new AriHttpError(404, 'Recording not found');
  return recording;
}
