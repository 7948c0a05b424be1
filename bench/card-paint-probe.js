/* global window, document, MutationObserver, requestAnimationFrame */
/**
 * Injected into the console's page ahead of its own scripts by bench/card-paint.ts. It only
 * watches, and stamps three moments of each call's card on the page's wall clock (epoch ms):
 *
 * - arrived: the WebSocket message carrying `call:card` reaches the page, before the console
 *   parses it;
 * - inDom: the card of that call, with the caller's name, is in the document (Svelte has
 *   rendered it);
 * - painted: the frame that first shows it has been produced. A requestAnimationFrame callback
 *   runs just before that frame's style, layout and paint; a message posted from it is handled
 *   once the frame is done, so its time is the usual "after the next paint" mark. The
 *   compositor's drawing to the screen after that is not included.
 *
 * Plain JavaScript because Playwright sends it as text. The marks go to the bench through
 * `window.__cardPainted(callId, marks)`, a function the bench exposes to the page.
 */
(() => {
  const now = () => performance.timeOrigin + performance.now();
  // Socket.IO's event packet for the card: `42["call:card",{"call":{"id":"<uuid>", ...`.
  const CARD_FRAME = /^42\["call:card",\{"call":\{"id":"([0-9a-f-]{36})"/;
  const marks = new Map();

  const marksOf = (callId) => {
    let found = marks.get(callId);
    if (!found) {
      found = { arrived: null, inDom: null, painted: null };
      marks.set(callId, found);
    }
    return found;
  };

  // engine.io-client takes window.WebSocket when the console's bundle loads, after this script.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      // Added in the constructor, before engine.io sets onmessage, so this listener runs first.
      this.addEventListener('message', (event) => {
        const at = now();
        if (typeof event.data !== 'string') return;

        const callId = CARD_FRAME.exec(event.data)?.[1];
        if (callId && marksOf(callId).arrived === null) marksOf(callId).arrived = at;
      });
    }
  };

  // Reported by the page itself once the frame is done, so the bench sends the page nothing
  // while a card is on its way.
  const afterNextPaint = (callId) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const found = marksOf(callId);
        found.painted = now();
        window.__cardPainted(callId, found);
      };
      channel.port2.postMessage(null);
    });
  };

  const observer = new MutationObserver(() => {
    for (const card of document.querySelectorAll('article[data-call-id]')) {
      const callId = card.getAttribute('data-call-id');
      if (!callId || marksOf(callId).inDom !== null) continue;
      if (!card.querySelector('[data-testid="caller-name"]')?.textContent) continue;

      marksOf(callId).inDom = now();
      afterNextPaint(callId);
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();
