// The bridge between the chat frame and the loader (neuvo.js) on the host page.
// Messages carry UI events only, never message content. Both ends check origin and source.

function parseOrigin(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

export class HostBridge {
  constructor(hostParam) {
    this.embedded = window.parent !== window;
    this.origin = this.embedded ? parseOrigin(hostParam) : null;
    this.visible = !this.embedded; // standalone page: always visible
    this.handlers = new Map();
    window.addEventListener("message", (event) => {
      if (!this.origin || event.origin !== this.origin || event.source !== window.parent) return;
      const type = event.data?.type;
      if (this.handlers.has(type)) this.handlers.get(type)(event.data);
    });
  }

  on(type, handler) {
    this.handlers.set(`neuvo:${type}`, handler);
  }

  post(type, data = {}) {
    if (this.origin) window.parent.postMessage({ ...data, type: `neuvo:${type}` }, this.origin);
  }

  // Ask the loader for something and wait for its answer of the same type (null on timeout).
  request(type, timeoutMs) {
    return new Promise((resolve) => {
      const done = (data) => {
        clearTimeout(timer);
        this.handlers.delete(`neuvo:${type}`);
        resolve(data);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.on(type, done);
      this.post(type);
    });
  }

  // "Seen" = the panel is open and the tab is in the foreground.
  get seeing() {
    return this.visible && document.visibilityState === "visible";
  }
}
