const SEPARATOR = '--';

/**
 * A unique recording name that carries its call's id, so a RecordingFinished that arrives after
 * a restart (when the adapter has forgotten which call it started it for) still finds the call.
 */
export function recordingNameFor(callId: string): string {
  const safeId = callId.replace(/[^\w.-]/g, '_');
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return `${safeId}${SEPARATOR}${stamp}`;
}

export function callIdFromRecordingName(name: string): string | undefined {
  const at = name.lastIndexOf(SEPARATOR);
  return at > 0 ? name.slice(0, at) : undefined;
}
