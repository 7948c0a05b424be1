/**
 * The api-docs the fake serves, shaped like Asterisk's: a Swagger 1.1 resource listing at
 * /ari/api-docs/resources.json and one Swagger 1.2 declaration per resource, each with the
 * operations and models ari-client builds its methods and event objects from. Only the parts the
 * CRM uses are declared; a real Asterisk declares more, which ari-client would simply attach.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  paramType: 'path' | 'query' | 'body';
  required: boolean;
  allowMultiple: boolean;
  dataType: string;
}

function pathParam(name: string): Parameter {
  return { name, paramType: 'path', required: true, allowMultiple: false, dataType: 'string' };
}

function query(name: string, dataType = 'string', required = false): Parameter {
  return { name, paramType: 'query', required, allowMultiple: false, dataType };
}

function op(httpMethod: string, nickname: string, responseClass: string, parameters: Parameter[]) {
  return { httpMethod, nickname, summary: nickname, responseClass, parameters };
}

function api(path: string, ...operations: ReturnType<typeof op>[]) {
  return { path, description: path, operations };
}

/** A model whose properties are all given as `name: type`; a leading `?` marks optional. */
function model(id: string, properties: Record<string, string>, extendsModel?: string): Json {
  const props: Record<string, Json> = {};
  for (const [name, type] of Object.entries(properties)) {
    const optional = type.startsWith('?');
    props[name] = { type: optional ? type.slice(1) : type, required: !optional };
  }
  return { id, ...(extendsModel ? { extends: extendsModel } : {}), properties: props };
}

const CHANNEL_MODELS = {
  Channel: model('Channel', {
    id: 'string',
    name: 'string',
    state: 'string',
    caller: 'CallerID',
    connected: 'CallerID',
    accountcode: 'string',
    dialplan: 'DialplanCEP',
    creationtime: 'Date',
    language: 'string',
  }),
  CallerID: model('CallerID', { name: 'string', number: 'string' }),
  DialplanCEP: model('DialplanCEP', {
    context: 'string',
    exten: 'string',
    priority: 'long',
    app_name: 'string',
    app_data: 'string',
  }),
};

const RECORDING_MODELS = {
  LiveRecording: model('LiveRecording', {
    name: 'string',
    format: 'string',
    target_uri: 'string',
    state: 'string',
    duration: '?int',
    cause: '?string',
  }),
  StoredRecording: model('StoredRecording', { name: 'string', format: 'string' }),
};

const BRIDGE_MODELS = {
  Bridge: model('Bridge', {
    id: 'string',
    technology: 'string',
    bridge_type: 'string',
    bridge_class: 'string',
    creator: 'string',
    name: 'string',
    channels: 'List[string]',
  }),
};

const recordParams = [
  query('name', 'string', true),
  query('format', 'string', true),
  query('maxDurationSeconds', 'int'),
  query('maxSilenceSeconds', 'int'),
  query('ifExists'),
  query('beep', 'boolean'),
  query('terminateOn'),
];

const DECLARATIONS: Record<string, { apis: Json[]; models: Record<string, Json> }> = {
  asterisk: {
    apis: [
      api('/asterisk/info', op('GET', 'getInfo', 'AsteriskInfo', [query('only')])),
      api('/asterisk/ping', op('GET', 'ping', 'AsteriskPing', [])),
    ],
    models: {
      AsteriskInfo: model('AsteriskInfo', {
        build: '?object',
        system: '?object',
        status: '?object',
      }),
      AsteriskPing: model('AsteriskPing', {
        asterisk_id: 'string',
        ping: 'string',
        timestamp: 'string',
      }),
    },
  },
  endpoints: {
    apis: [
      api('/endpoints', op('GET', 'list', 'List[Endpoint]', [])),
      api(
        '/endpoints/{tech}/{resource}',
        op('GET', 'get', 'Endpoint', [pathParam('tech'), pathParam('resource')]),
      ),
    ],
    models: {
      Endpoint: model('Endpoint', {
        technology: 'string',
        resource: 'string',
        state: '?string',
        channel_ids: 'List[string]',
      }),
    },
  },
  channels: {
    apis: [
      api(
        '/channels',
        op('GET', 'list', 'List[Channel]', []),
        op('POST', 'originate', 'Channel', [
          query('endpoint', 'string', true),
          query('extension'),
          query('context'),
          query('priority', 'long'),
          query('app'),
          query('appArgs'),
          query('callerId'),
          query('timeout', 'int'),
          query('channelId'),
          query('originator'),
        ]),
      ),
      api(
        '/channels/{channelId}',
        op('GET', 'get', 'Channel', [pathParam('channelId')]),
        op('DELETE', 'hangup', 'void', [pathParam('channelId'), query('reason')]),
      ),
      api('/channels/{channelId}/answer', op('POST', 'answer', 'void', [pathParam('channelId')])),
      api('/channels/{channelId}/ring', op('POST', 'ring', 'void', [pathParam('channelId')])),
      api(
        '/channels/{channelId}/record',
        op('POST', 'record', 'LiveRecording', [pathParam('channelId'), ...recordParams]),
      ),
      api(
        '/channels/{channelId}/snoop',
        op('POST', 'snoopChannel', 'Channel', [
          pathParam('channelId'),
          query('spy'),
          query('whisper'),
          query('app', 'string', true),
          query('appArgs'),
          query('snoopId'),
        ]),
      ),
    ],
    models: { ...CHANNEL_MODELS, ...RECORDING_MODELS },
  },
  bridges: {
    apis: [
      api(
        '/bridges',
        op('GET', 'list', 'List[Bridge]', []),
        op('POST', 'create', 'Bridge', [query('type'), query('bridgeId'), query('name')]),
      ),
      api(
        '/bridges/{bridgeId}',
        op('GET', 'get', 'Bridge', [pathParam('bridgeId')]),
        op('DELETE', 'destroy', 'void', [pathParam('bridgeId')]),
      ),
      api(
        '/bridges/{bridgeId}/addChannel',
        op('POST', 'addChannel', 'void', [
          pathParam('bridgeId'),
          { ...query('channel', 'string', true), allowMultiple: true },
          query('role'),
        ]),
      ),
      api(
        '/bridges/{bridgeId}/removeChannel',
        op('POST', 'removeChannel', 'void', [
          pathParam('bridgeId'),
          { ...query('channel', 'string', true), allowMultiple: true },
        ]),
      ),
      api(
        '/bridges/{bridgeId}/record',
        op('POST', 'record', 'LiveRecording', [pathParam('bridgeId'), ...recordParams]),
      ),
    ],
    models: { ...BRIDGE_MODELS, ...RECORDING_MODELS },
  },
  recordings: {
    apis: [
      api('/recordings/stored', op('GET', 'listStored', 'List[StoredRecording]', [])),
      api(
        '/recordings/stored/{recordingName}',
        op('GET', 'getStored', 'StoredRecording', [pathParam('recordingName')]),
        op('DELETE', 'deleteStored', 'void', [pathParam('recordingName')]),
      ),
      api(
        '/recordings/stored/{recordingName}/file',
        op('GET', 'getStoredFile', 'binary', [pathParam('recordingName')]),
      ),
      api(
        '/recordings/live/{recordingName}',
        op('GET', 'getLive', 'LiveRecording', [pathParam('recordingName')]),
      ),
      api(
        '/recordings/live/{recordingName}/stop',
        op('POST', 'stop', 'void', [pathParam('recordingName')]),
      ),
    ],
    models: RECORDING_MODELS,
  },
  applications: {
    apis: [
      api('/applications', op('GET', 'list', 'List[Application]', [])),
      api(
        '/applications/{applicationName}',
        op('GET', 'get', 'Application', [pathParam('applicationName')]),
      ),
    ],
    models: {
      Application: model('Application', {
        name: 'string',
        channel_ids: 'List[string]',
        bridge_ids: 'List[string]',
        endpoint_ids: 'List[string]',
        device_names: 'List[string]',
      }),
    },
  },
  events: {
    apis: [
      api(
        '/events',
        op('GET', 'eventWebsocket', 'Message', [
          { ...query('app', 'string', true), allowMultiple: true },
          query('subscribeAll', 'boolean'),
        ]),
      ),
    ],
    models: {
      Message: model('Message', { type: 'string', asterisk_id: '?string' }),
      Event: model('Event', { application: 'string', timestamp: 'Date' }, 'Message'),
      ApplicationReplaced: model('ApplicationReplaced', {}, 'Event'),
      BridgeCreated: model('BridgeCreated', { bridge: 'Bridge' }, 'Event'),
      BridgeDestroyed: model('BridgeDestroyed', { bridge: 'Bridge' }, 'Event'),
      ChannelCreated: model('ChannelCreated', { channel: 'Channel' }, 'Event'),
      ChannelDestroyed: model(
        'ChannelDestroyed',
        { cause: 'int', cause_txt: 'string', channel: 'Channel' },
        'Event',
      ),
      ChannelEnteredBridge: model(
        'ChannelEnteredBridge',
        { bridge: 'Bridge', channel: '?Channel' },
        'Event',
      ),
      ChannelLeftBridge: model(
        'ChannelLeftBridge',
        { bridge: 'Bridge', channel: 'Channel' },
        'Event',
      ),
      ChannelStateChange: model('ChannelStateChange', { channel: 'Channel' }, 'Event'),
      ChannelHangupRequest: model(
        'ChannelHangupRequest',
        { cause: '?int', soft: '?boolean', channel: 'Channel' },
        'Event',
      ),
      Dial: model(
        'Dial',
        { caller: '?Channel', peer: 'Channel', dialstring: '?string', dialstatus: 'string' },
        'Event',
      ),
      StasisStart: model(
        'StasisStart',
        { args: 'List[string]', channel: 'Channel', replace_channel: '?Channel' },
        'Event',
      ),
      StasisEnd: model('StasisEnd', { channel: 'Channel' }, 'Event'),
      RecordingStarted: model('RecordingStarted', { recording: 'LiveRecording' }, 'Event'),
      RecordingFinished: model('RecordingFinished', { recording: 'LiveRecording' }, 'Event'),
      RecordingFailed: model('RecordingFailed', { recording: 'LiveRecording' }, 'Event'),
    },
  },
};

/** The names of the resources declared, as they appear in `/ari/api-docs/{name}.json`. */
export const API_RESOURCES = Object.keys(DECLARATIONS);

/** The Asterisk event types the fake's api-docs declare; anything else is unknown to clients. */
export const DECLARED_EVENT_TYPES = Object.keys(DECLARATIONS.events?.models ?? {});

/** `basePath` is built from the request's Host header, as Asterisk does. */
export function resourceListing(basePath: string): Json {
  return {
    apiVersion: '10.0.0',
    swaggerVersion: '1.1',
    basePath,
    apis: API_RESOURCES.map((name) => ({
      path: `/api-docs/${name}.{format}`,
      description: `${name} resources`,
    })),
  };
}

export function resourceDeclaration(name: string, basePath: string): Json | undefined {
  const declaration = DECLARATIONS[name];
  if (!declaration) return undefined;

  return {
    apiVersion: '10.0.0',
    swaggerVersion: '1.2',
    basePath,
    resourcePath: `/api-docs/${name}.{format}`,
    apis: declaration.apis,
    models: declaration.models,
  };
}
