import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

/**
 * Completes the RFC 6455 opening handshake on an upgraded HTTP request. The caller has already
 * checked the path and the credentials. Asterisk offers no extension and no subprotocol unless
 * asked, and ari-client asks for neither, so the answer carries none.
 */
export function acceptWebSocket(request: IncomingMessage, socket: Duplex): ServerWebSocket {
  const key = request.headers['sec-websocket-key'] ?? '';
  const accept = createHash('sha1')
    .update(key + HANDSHAKE_GUID)
    .digest('base64');

  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );

  return new ServerWebSocket(socket);
}

/** Refuses an upgrade with a plain HTTP status, as Asterisk does for bad credentials. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * The server side of one WebSocket: sends text frames, answers pings, honours a close frame.
 * Only what an ARI events socket needs; client frames other than control frames are ignored.
 */
export class ServerWebSocket extends EventEmitter<{ close: [] }> {
  /** False plays a peer that has stopped responding while its TCP connection stays up. */
  answerPings = true;
  private pending = Buffer.alloc(0);
  private open = true;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.markClosed());
    // A reset from the client is a normal way for a test connection to end.
    socket.on('error', () => this.markClosed());
  }

  get isOpen(): boolean {
    return this.open;
  }

  sendText(text: string): void {
    if (!this.open) return;

    this.socket.write(frame(OPCODE_TEXT, Buffer.from(text, 'utf8')));
  }

  /** A clean close: a close frame, then the end of the TCP stream. */
  close(code = 1000): void {
    if (!this.open) return;

    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.socket.end(frame(OPCODE_CLOSE, payload));
    this.markClosed();
  }

  /** An abrupt end, as when Asterisk dies or a network path drops: no close frame. */
  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (!this.open) return;

    this.open = false;
    this.emit('close');
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);

    for (;;) {
      const parsed = parseClientFrame(this.pending);
      if (!parsed) return;

      this.pending = this.pending.subarray(parsed.length);
      this.handle(parsed.opcode, parsed.payload);
    }
  }

  private handle(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE_PING) {
      if (this.open && this.answerPings) this.socket.write(frame(OPCODE_PONG, payload));
      return;
    }

    if (opcode === OPCODE_CLOSE) {
      this.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
    }
  }
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;

  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }

  return Buffer.concat([header, payload]);
}

/** Reads one masked client frame from the front of `data`, or nothing if it is incomplete. */
function parseClientFrame(
  data: Buffer,
): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;

  const first = data.readUInt8(0);
  const second = data.readUInt8(1);
  const masked = (second & 0x80) !== 0;
  let payloadLength = second & 0x7f;
  let offset = 2;

  if (payloadLength === 126) {
    if (data.length < 4) return undefined;
    payloadLength = data.readUInt16BE(2);
    offset = 4;
  } else if (payloadLength === 127) {
    if (data.length < 10) return undefined;
    payloadLength = Number(data.readBigUInt64BE(2));
    offset = 10;
  }

  const maskLength = masked ? 4 : 0;
  const total = offset + maskLength + payloadLength;
  if (data.length < total) return undefined;

  const mask = data.subarray(offset, offset + maskLength);
  const payload = Buffer.from(data.subarray(offset + maskLength, total));
  if (masked) {
    for (let i = 0; i < payload.length; i += 1) {
      payload.writeUInt8(payload.readUInt8(i) ^ mask.readUInt8(i % 4), i);
    }
  }

  return { opcode: first & 0x0f, payload, length: total };
}
