import { t } from '$lib/i18n/messages';

/** How a past call ended, as one word for the lists. */
export function outcomeLabel(call: { outcome: string | null; missed: boolean }): string {
  if (call.outcome === 'result' || call.outcome === 'refusal' || call.outcome === 'postponed') {
    return t.outcomes[call.outcome];
  }

  return call.missed ? t.outcomes.missed : t.outcomes.none;
}

/** The badge colour that goes with an outcome. */
export function outcomeTone(call: { outcome: string | null; missed: boolean }): string {
  if (call.outcome === 'result') return 'good';
  if (call.outcome === 'refusal' || call.missed) return 'bad';
  if (call.outcome === 'postponed') return 'warn';

  return '';
}
