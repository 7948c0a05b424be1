import type { AriClient } from 'ari-client';
import { z } from 'zod';
import { TelephonyError } from '../telephony-error';
import { wrapAriError } from './ari-error';
import { type AriBridge, ariBridgeSchema, type AriChannel, ariChannelSchema } from './ari-events';
import { withTimeout } from './ari-timeout';

export interface OriginateParams {
  endpoint: string;
  app: string;
  appArgs: string;
  channelId: string;
  callerId?: string;
  /** Seconds to ring before giving up. */
  timeout?: number;
}

/**
 * The ARI REST calls the adapter makes, through ari-client, each with a timeout and its failure
 * wrapped into a TelephonyError. Answers are parsed, never trusted.
 */
export class AriRest {
  constructor(
    private readonly client: () => AriClient,
    private readonly timeoutMs: number,
  ) {}

  async listChannels(): Promise<AriChannel[]> {
    const channels = await this.call('list its channels', (c) => c.channels.list());
    return parseAnswer(z.array(ariChannelSchema), channels, 'channel list');
  }

  async listBridges(): Promise<AriBridge[]> {
    const bridges = await this.call('list its bridges', (c) => c.bridges.list());
    return parseAnswer(z.array(ariBridgeSchema), bridges, 'bridge list');
  }

  async answer(channelId: string): Promise<void> {
    await this.call('answer the call', (c) => c.channels.answer({ channelId }));
  }

  async hangup(channelId: string): Promise<void> {
    await this.call('hang up', (c) => c.channels.hangup({ channelId, reason: 'normal' }));
  }

  async originate(params: OriginateParams): Promise<AriChannel> {
    const channel = await this.call(`dial ${params.endpoint}`, (c) =>
      c.channels.originate({ ...params }),
    );
    return parseAnswer(ariChannelSchema, channel, 'new channel');
  }

  async createBridge(bridgeId: string): Promise<void> {
    await this.call('create a bridge', (c) => c.bridges.create({ type: 'mixing', bridgeId }));
  }

  async addToBridge(bridgeId: string, channelId: string): Promise<void> {
    await this.call('join the call', (c) => c.bridges.addChannel({ bridgeId, channel: channelId }));
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.call('close the bridge', (c) => c.bridges.destroy({ bridgeId }));
  }

  async recordBridge(bridgeId: string, name: string, format: string): Promise<void> {
    await this.call('record the call', (c) =>
      c.bridges.record({ bridgeId, name, format, ifExists: 'fail' }),
    );
  }

  async recordChannel(channelId: string, name: string, format: string): Promise<void> {
    await this.call('record the call', (c) =>
      c.channels.record({ channelId, name, format, ifExists: 'fail' }),
    );
  }

  async stopRecording(recordingName: string): Promise<void> {
    await this.call('stop the recording', (c) => c.recordings.stop({ recordingName }));
  }

  /** Whether a stored recording exists; a live one does not count. */
  async hasStoredRecording(recordingName: string): Promise<boolean> {
    try {
      await this.call('find the recording', (c) => c.recordings.getStored({ recordingName }));
      return true;
    } catch (error) {
      if (wrapAriError(error, 'find the recording').code === 'ARI_NOT_FOUND') return false;
      throw error;
    }
  }

  async snoop(
    channelId: string,
    params: { spy: string; whisper: string; app: string; appArgs: string; snoopId: string },
  ): Promise<void> {
    await this.call('listen to the call', (c) => c.channels.snoopChannel({ channelId, ...params }));
  }

  private async call(
    action: string,
    operation: (client: AriClient) => PromiseLike<unknown>,
  ): Promise<unknown> {
    try {
      const client = this.client();
      return await withTimeout(
        Promise.resolve().then(() => operation(client)),
        this.timeoutMs,
        action,
      );
    } catch (error) {
      throw wrapAriError(error, action);
    }
  }
}

function parseAnswer<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  answer: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;

  throw new TelephonyError('ARI_BAD_ANSWER', `Asterisk answered with an unexpected ${what}.`, {
    temporary: false,
    cause: parsed.error,
  });
}
