// Protocol v1 resident client: one WebSocket, an outbox of unacknowledged messages,
// reconnect with exponential backoff and jitter, resume from the last seq, keepalive.
// It knows nothing about the page; the app gives it callbacks.

import {
  backoffDelay, keepaliveAction, newMessageId, PING_EVERY_MS, socketUrl,
} from "./reconnect.js";

const HELLO_TIMEOUT_MS = 15_000;
const RETRY_LATER_MS = 3_000; // after rate_limited / unavailable
const FINAL_ERRORS = new Set(["too_large", "conflict", "chat_closed", "invalid_frame", "forbidden"]);

export class ResidentClient {
  // chat: the stored chat object (mutated: outbox); cb: {frame, status, acked, failed, expired, changed}
  constructor(chat, cb) {
    this.chat = chat;
    this.cb = cb;
    this.ws = null;
    this.ready = false; // welcome received on the current socket
    this.stopped = false;
    this.attempt = 0;
    this.timers = {};
    this.controls = []; // frames to send once connected (handoff, close, feedback)
    this.finishing = false;
    this.lastFrameAt = 0;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.cb.status("offline");
  }

  start() {
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    this.cb.status("connecting");
    this.connect();
    this.timers.ping = setInterval(() => this.keepalive(), PING_EVERY_MS / 5);
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    Object.values(this.timers).forEach((id) => clearTimeout(id)); // also clears intervals
    this.ws?.close(1000);
    this.ws = null;
  }

  connect() {
    if (this.stopped) return;
    const ws = new WebSocket(socketUrl(this.chat.ws_url));
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
      this.raw({ type: "hello", chat_id: this.chat.chat_id, token: this.chat.resident_token,
        last_seq: this.chat.last_seq });
      this.timers.hello = setTimeout(() => !this.ready && ws.close(4000), HELLO_TIMEOUT_MS);
    };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(ws, event.code);
  }

  closed(ws, code) {
    if (ws !== this.ws) return; // an old socket we already replaced
    this.ready = false;
    this.ws = null;
    clearTimeout(this.timers.hello);
    if (this.stopped) return;
    if (code === 4401) {
      this.stop();
      this.cb.expired();
      return;
    }
    this.cb.status(navigator.onLine === false ? "offline" : "reconnecting");
    const delay = backoffDelay(this.attempt++);
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || this.ready) return;
    clearTimeout(this.timers.retry);
    this.attempt = 0;
    if (this.ws) this.ws.close(4000);
    else this.connect();
  }

  // Drop the current socket and resume from the last seq (used when a gap is seen).
  resync() {
    if (this.ws) this.ws.close(4000);
  }

  keepalive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const action = keepaliveAction(this.lastFrameAt);
    if (action === "close") this.ws.close(4000);
    else if (action === "ping") this.raw({ type: "ping" });
  }

  raw(frame) {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // Control frames: sent now when connected, else once the next welcome arrives.
  control(frame) {
    if (!(this.ready && this.raw(frame))) this.controls.push(frame);
  }

  // Ephemeral frames (typing, read): dropped when not connected. True if sent.
  transient(frame) {
    return this.ready && this.raw(frame);
  }

  // Close for good once the queued control frames are out (feedback on a closed chat).
  finish() {
    this.finishing = true;
    if (this.ready && this.controls.length === 0) this.stop();
  }

  send(rawText, shown = rawText) {
    // The server refuses control characters (invalid_frame); pasted ones (form feeds, escape
    // codes from other programs) become spaces so the message is never lost.
    const text = withoutControlCharacters(rawText);
    const entry = { client_msg_id: newMessageId(), text, shown: withoutControlCharacters(shown) };
    this.chat.outbox.push(entry);
    this.cb.changed();
    if (this.ready) this.raw({ type: "message.send", client_msg_id: entry.client_msg_id, text });
    return entry;
  }

  flushOutbox() {
    for (const entry of this.chat.outbox) {
      this.raw({ type: "message.send", client_msg_id: entry.client_msg_id, text: entry.text });
    }
  }

  removeFromOutbox(id) {
    const index = this.chat.outbox.findIndex((entry) => entry.client_msg_id === id);
    if (index < 0) return null;
    const [entry] = this.chat.outbox.splice(index, 1);
    this.cb.changed();
    return entry;
  }

  receive(data) {
    this.lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (Object.hasOwn(HANDLERS, frame.type)) HANDLERS[frame.type](this, frame);
    else this.cb.frame(frame);
  }
}

const HANDLERS = {
  pong: () => {},
  welcome(client, frame) {
    client.ready = true;
    client.attempt = 0;
    clearTimeout(client.timers.hello);
    client.cb.status("online");
    client.cb.frame(frame);
    client.flushOutbox();
    const controls = client.controls.splice(0);
    controls.forEach((f) => client.raw(f));
    if (client.finishing) client.stop();
  },
  "message.ack"(client, frame) {
    client.removeFromOutbox(frame.client_msg_id);
    client.cb.acked(frame.client_msg_id, frame.seq);
  },
  "message.created"(client, frame) {
    if (frame.client_msg_id) client.removeFromOutbox(frame.client_msg_id);
    client.cb.frame(frame);
  },
  error(client, frame) {
    const id = frame.client_msg_id;
    if (frame.code === "unauthorized" && !id) return; // close 4401 follows
    if (id && FINAL_ERRORS.has(frame.code)) {
      client.removeFromOutbox(id);
      client.cb.failed(id, frame.code);
      return;
    }
    if (id && (frame.code === "rate_limited" || frame.code === "unavailable")) {
      clearTimeout(client.timers.later);
      client.timers.later = setTimeout(() => client.ready && client.flushOutbox(), RETRY_LATER_MS);
    }
    client.cb.frame(frame);
  },
};

// C0 controls except tab and line breaks, DEL and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function withoutControlCharacters(text) {
  return String(text).replace(CONTROL, " ");
}
