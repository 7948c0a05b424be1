import { en } from './en';
import type { Messages } from './en';

export type { Messages };

/**
 * The console's texts. Only English exists so far; a Russian file of the same `Messages` shape
 * would be picked here (from the user's setting or the browser's language) without any
 * component changing.
 */
export const t: Messages = en;
