// The staff socket (/ws/v1/staff): reconnect with capped exponential backoff and jitter,
// keepalive pings, and the end of the session (close 4401) or a refused role (4403).

import { backoffDelay, keepaliveAction } from "/widget/reconnect.js";

const BACKOFF_CAP_MS = 15_000;

export class StaffSocket {
  // cb: {frame(frame), status("connecting"|"online"|"reconnecting"|"offline"), ended(code),
  //      verify(): Promise<boolean> — false when the session is gone (a refused handshake
  //      only shows up as close 1006 in the browser, so the session is checked over HTTP)}
  constructor(cb) {
    this.cb = cb;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.connection = 0; // increases with every socket that reaches the snapshot
    this.lastFrameAt = 0;
    this.timers = {};
    this.onOnline = () => this.reconnectNow();
  }

  start() {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    this.cb.status("connecting");
    this.connect();
    this.timers.keepalive = setInterval(() => this.keepalive(), 5_000);
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    clearInterval(this.timers.keepalive);
    clearTimeout(this.timers.retry);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.stopped) return;
    const url = new URL("/ws/v1/staff", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url.href);
    this.ws = ws;
    ws.onopen = () => {
      this.lastFrameAt = Date.now();
    };
    ws.onmessage = (event) => this.receive(ws, event.data);
    ws.onclose = (event) => this.closed(ws, event.code);
  }

  receive(ws, data) {
    if (ws !== this.ws) return;
    this.lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string" || frame.type === "pong") return;
    if (frame.type === "queue.snapshot") {
      this.attempt = 0;
      this.connection += 1;
      this.cb.status("online");
    }
    this.cb.frame(frame);
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    if (this.stopped) return;
    if (code === 4401 || code === 4403) {
      this.stop();
      this.cb.ended(code);
      return;
    }
    this.cb.status(navigator.onLine === false ? "offline" : "reconnecting");
    this.timers.retry = setTimeout(() => this.retry(), backoffDelay(this.attempt++, Math.random, BACKOFF_CAP_MS));
  }

  async retry() {
    if (this.stopped) return;
    let alive = true;
    try {
      alive = await this.cb.verify();
    } catch {
      alive = true; // the server is unreachable: keep trying
    }
    if (!alive) {
      this.stop();
      return;
    }
    if (!this.stopped && !this.ws) this.connect();
  }

  reconnectNow() {
    if (this.stopped || this.open) return;
    clearTimeout(this.timers.retry);
    this.attempt = 0;
    if (!this.ws) this.connect();
  }

  keepalive() {
    if (!this.open) return;
    const action = keepaliveAction(this.lastFrameAt);
    if (action === "close") this.ws.close(4000);
    else if (action === "ping") this.send({ type: "ping" });
  }

  send(frame) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}
