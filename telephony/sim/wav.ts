/**
 * A short mono 8 kHz 16-bit PCM WAV: a quiet two-tone hum standing in for a conversation, so the
 * recordings pipeline has real audio to copy, checksum and play.
 */
export function generateWav(seconds: number, seed = 1): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.round(seconds * rate));
  const data = Buffer.alloc(samples * 2);
  const low = 220 + (seed % 7) * 20;
  const high = low * 1.5;

  for (let i = 0; i < samples; i += 1) {
    const t = i / rate;
    const value = 0.15 * Math.sin(2 * Math.PI * low * t) + 0.1 * Math.sin(2 * Math.PI * high * t);
    data.writeInt16LE(Math.round(value * 32767), i * 2);
  }

  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16); // size of the fmt chunk
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);

  return Buffer.concat([header, data]);
}
