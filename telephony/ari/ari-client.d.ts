/**
 * The part of ari-client 2.2.0 the ARI adapter uses; the package ships no types. Fields that
 * start with `_` are ari-client internals the adapter reads to guard against its known faults
 * (see ari-connection.ts); they are stable in 2.2.0, the version package.json pins.
 */
declare module 'ari-client' {
  import type { EventEmitter } from 'node:events';

  /** The ws 6 socket ari-client opens for events. */
  export interface AriWebSocket extends EventEmitter {
    readonly readyState: number;
    close(): void;
    terminate(): void;
  }

  /** A REST operation: named parameters in; a resource object, a list or nothing out. */
  export type AriOperation = (
    params?: Record<string, string | number | boolean | undefined>,
  ) => PromiseLike<unknown>;

  export interface AriClient extends EventEmitter {
    channels: {
      list: AriOperation;
      get: AriOperation;
      answer: AriOperation;
      hangup: AriOperation;
      originate: AriOperation;
      record: AriOperation;
      snoopChannel: AriOperation;
    };
    bridges: {
      list: AriOperation;
      create: AriOperation;
      addChannel: AriOperation;
      destroy: AriOperation;
      record: AriOperation;
    };
    recordings: {
      getStored: AriOperation;
      stop: AriOperation;
    };

    /** Opens the events WebSocket; resolves on the first open only. */
    start(apps: string): PromiseLike<void>;
    /** Closes the events WebSocket and marks it closed on purpose, so it is not reopened. */
    stop(): void;
    ping(): void;

    _ws?: AriWebSocket;
    _swagger?: { apis: Record<string, { models?: Record<string, unknown> } | undefined> };
  }

  const ariClient: {
    connect(url: string, username: string, password: string): PromiseLike<AriClient>;
  };
  export default ariClient;
}
