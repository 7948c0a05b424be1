import type { CardCustomer } from '$shared/calls/call-card';

/** A number in a list with its dial button. */
export interface ListedPhone {
  id: string;
  display: string;
  /** What the originate command gets: the E.164 form when known, else as typed. */
  dialable: string;
  kind: string;
  valid: boolean;
}

/** The card's numbers come formatted by the server already. */
export function listCardPhones(phones: CardCustomer['phones']): ListedPhone[] {
  return phones.map((phone) => ({
    id: phone.id,
    display: phone.display,
    dialable: phone.e164 ?? phone.raw,
    kind: phone.kind,
    valid: phone.valid,
  }));
}
