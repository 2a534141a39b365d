// What the resident widget and the staff console share about keeping a protocol v1 socket
// alive: client message ids, reconnect delays with jitter, keepalive, socket URLs.
// The widget imports it as ./reconnect.js, the console as /widget/reconnect.js (same origin).

export const PING_EVERY_MS = 25_000;
export const DEAD_AFTER_MS = 60_000; // no frame at all for this long: the socket is dead
const BACKOFF_BASE_MS = 500;

// Client message ids: 128 random bits as hex (the protocol allows [A-Za-z0-9_-]{8,64}).
export function newMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Exponential backoff with "equal jitter": half the ceiling plus a random half, capped.
export function backoffDelay(attempt, random = Math.random, capMs = 30_000) {
  const ceiling = Math.min(capMs, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function socketUrl(wsUrl, base = location.href) {
  const url = new URL(wsUrl, base);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  return url.href;
}

// What an open socket should do now, given when its last frame arrived: "close" a dead
// socket (it reconnects), "ping" a quiet one, or nothing.
export function keepaliveAction(lastFrameAt, now = Date.now()) {
  const quiet = now - lastFrameAt;
  if (quiet > DEAD_AFTER_MS) return "close";
  if (quiet >= PING_EVERY_MS) return "ping";
  return null;
}
