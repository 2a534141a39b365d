// Per-tab chat state: anonymous and gone when the tab closes.
// Chat shape: {chat_id, resident_token, ws_url, last_seq, lang, state, outbox: [{client_msg_id,
//   text, shown}], history: [message…], read_seq, read_sent, feedback_sent}
//
// Where it lives: this frame's sessionStorage when the browser allows it. Browsers that block
// storage in third-party frames (Chromium in incognito, strict tracking protection) get the
// host page's sessionStorage instead, through the loader (postMessage "persist"/"restore").
// Without either (the frame opened on its own with storage blocked) state is kept in memory.

const CHAT_KEY = "neuvo.chat.v1";
const HISTORY_LIMIT = 1000;
const RESTORE_WAIT_MS = 2000;

function frameSessionStorage() {
  try {
    const storage = window.sessionStorage;
    storage.setItem("neuvo.probe", "1");
    storage.removeItem("neuvo.probe");
    return storage;
  } catch {
    return null;
  }
}

class HostBackend {
  constructor(host, values) {
    this.host = host;
    this.values = new Map(Object.entries(values ?? {}).filter(([, v]) => typeof v === "string"));
  }

  getItem(key) {
    return this.values.get(key) ?? null;
  }

  setItem(key, value) {
    this.values.set(key, value);
    this.host.post("persist", { key, value });
  }

  removeItem(key) {
    this.values.delete(key);
    this.host.post("persist", { key, value: null });
  }
}

class MemoryBackend extends HostBackend {
  constructor() {
    super({ post() {} }, {});
  }
}

export class Store {
  constructor(backend, kind) {
    this.backend = backend;
    this.kind = kind; // "frame" | "host" | "memory" (for tests and diagnostics)
  }

  loadChat() {
    try {
      const data = JSON.parse(this.backend.getItem(CHAT_KEY) ?? "null");
      if (typeof data?.chat_id !== "string" || typeof data?.resident_token !== "string") return null;
      data.outbox = Array.isArray(data.outbox) ? data.outbox : [];
      data.history = Array.isArray(data.history) ? data.history : [];
      data.last_seq = Number.isInteger(data.last_seq) ? data.last_seq : 0;
      // The history must run up to last_seq, or we replay everything from the server.
      if (data.history.at(-1)?.seq !== data.last_seq) {
        data.history = [];
        data.last_seq = 0;
      }
      return data;
    } catch {
      return null;
    }
  }

  saveChat(chat) {
    if (!chat) return;
    let copy = chat;
    if (chat.history.length > HISTORY_LIMIT) {
      // Too long to keep: after a reload the server replays it all from seq 0.
      copy = { ...chat, history: [], last_seq: 0 };
    }
    this.write(CHAT_KEY, JSON.stringify(copy));
  }

  forgetChat() {
    try {
      this.backend.removeItem(CHAT_KEY);
    } catch {
      /* ignore */
    }
  }

  loadPref(name) {
    try {
      return this.backend.getItem(`neuvo.pref.${name}`);
    } catch {
      return null;
    }
  }

  savePref(name, value) {
    this.write(`neuvo.pref.${name}`, value);
  }

  write(key, value) {
    try {
      this.backend.setItem(key, value);
    } catch {
      /* quota exceeded: keep running from memory */
    }
  }
}

export async function openStore(host) {
  const own = frameSessionStorage();
  if (own) return new Store(own, "frame");
  if (host.origin) {
    const reply = await host.request("restore", RESTORE_WAIT_MS);
    if (reply) return new Store(new HostBackend(host, reply.values), "host");
  }
  return new Store(new MemoryBackend(), "memory");
}
