/**
 * Every channel the adapter dials into its Stasis application carries its purpose in the
 * application arguments, so its StasisStart is never mistaken for a new inbound call, and so a
 * restarted process can tell from GET /channels which call each channel belongs to.
 *
 * Arguments: `crm-leg,<role>,<callId>[,<bridgeId>]`. A channel without them entered from the
 * dialplan: an inbound customer.
 */

export type LegRole = 'customer' | 'operator' | 'supervisor' | 'snoop';

export interface LegArgs {
  role: LegRole;
  /** The provider call id of the call this leg belongs to. */
  callId: string;
  /** For supervisors and snoop channels: the bridge they meet in. */
  bridgeId?: string;
}

const MARK = 'crm-leg';
const ROLES: readonly string[] = ['customer', 'operator', 'supervisor', 'snoop'];

export function encodeLegArgs(leg: LegArgs): string {
  return [MARK, leg.role, leg.callId, ...(leg.bridgeId ? [leg.bridgeId] : [])].join(',');
}

export function decodeLegArgs(args: readonly string[]): LegArgs | undefined {
  const [mark, role, callId, bridgeId] = args;
  if (mark !== MARK || !isLegRole(role) || !callId) return undefined;

  return { role, callId, ...(bridgeId ? { bridgeId } : {}) };
}

function isLegRole(value: string | undefined): value is LegRole {
  return value !== undefined && ROLES.includes(value);
}
