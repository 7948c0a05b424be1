import type { ConsoleSocket } from '$lib/realtime/console-socket.svelte';
import { t } from '$lib/i18n/messages';
import { desk } from './call-desk.svelte';
import { announceCustomerChanged } from './customer-changes';
import { myWork } from './my-work.svelte';
import { notices } from './notices.svelte';
import { presence } from './presence.svelte';
import { session } from './session.svelte';

/**
 * Routes the server's events to the console's state. On every connect (the first and each
 * return after a drop) the server replays the active cards; the lists are fetched again too,
 * since events sent while the socket was away are lost.
 */
export function wireConsoleEvents(socket: ConsoleSocket, hooks: { onPop: () => void }): () => void {
  let dropped = false;

  socket.on('connect', () => {
    if (dropped) notices.show('success', t.connection.back);
    dropped = false;
    void desk.loadActive().catch(() => undefined);
    void myWork.refresh();
  });
  socket.on('disconnect', () => (dropped = true));

  socket.on('call:card', (card) => {
    desk.receiveCard(card);
    if (desk.poppedCallId === card.call.id) hooks.onPop();
  });
  socket.on('call:updated', (call) => desk.receiveCall(call));
  socket.on('call:ended', (call) => {
    desk.receiveCall(call);
    void myWork.refresh();
  });
  socket.on('presence:changed', (payload) => presence.receive(payload));
  socket.on('customer:changed', (change) => {
    // This user's own saves come back too; the inputs already hold them, and a late echo of
    // an older save must not overwrite newer typing.
    if (change.byUserId !== session.user?.id) announceCustomerChanged(change);
  });
  socket.on('callback:due', (callback) => {
    if (myWork.announce(callback.callbackId)) {
      notices.show('warning', t.work.callbackDue(callback.customerName));
    }
    void myWork.refresh();
  });

  return () => {
    socket.removeAllListeners();
  };
}
