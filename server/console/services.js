// The county's service queues as the console knows them: the staff member's own queues
// (from /me, names in fi/sv/en) and the public list (GET /api/v1/queues in the UI language,
// with "open now" and the hours). Shared by the queue filter and the transfer dialog.

import { api } from "./api.js";
import { lang, onLangChange } from "./i18n.js";

export const DEFAULT_QUEUE = "default";

export class ServiceQueues {
  constructor() {
    this.mine = []; // [{id, name, names}]
    this.public = []; // [{id, name, description, open_now, hours_text}]
    this.seen = new Set(); // ids met on queue items (a queue that is not public)
    this.listeners = [];
    this.loadedFor = null;
    onLangChange(() => this.load().catch(() => {}));
  }

  use(me) {
    this.mine = Array.isArray(me?.queues) ? me.queues : [];
  }

  onChange(callback) {
    this.listeners.push(callback);
  }

  // The public list in the UI language (refetched on a language change). Throws ApiError.
  async load() {
    const wanted = lang();
    const data = await api("GET", `/api/v1/queues?lang=${encodeURIComponent(wanted)}`);
    if (wanted !== lang()) return this.public; // the language changed meanwhile
    this.public = data.items || [];
    this.loadedFor = wanted;
    for (const callback of this.listeners) callback();
    return this.public;
  }

  note(queueId) {
    const id = queueId || DEFAULT_QUEUE;
    if (this.seen.has(id) || this.ids().includes(id)) return;
    this.seen.add(id);
  }

  myIds() {
    return this.mine.length ? this.mine.map((q) => q.id) : [DEFAULT_QUEUE];
  }

  isMine(queueId) {
    return this.myIds().includes(queueId || DEFAULT_QUEUE);
  }

  // Every queue id known: mine first, then the public ones, then any seen on items.
  ids() {
    const ids = [...this.myIds()];
    for (const q of this.public) if (!ids.includes(q.id)) ids.push(q.id);
    for (const id of this.seen) if (!ids.includes(id)) ids.push(id);
    return ids;
  }

  // More than one service: only then the console shows queue names and the filter.
  several() {
    return this.ids().length > 1;
  }

  name(queueId) {
    const id = queueId || DEFAULT_QUEUE;
    const own = this.mine.find((q) => q.id === id);
    const code = lang();
    if (own?.names?.[code]) return own.names[code];
    const listed = this.public.find((q) => q.id === id);
    if (listed && this.loadedFor === code) return listed.name;
    return own?.names?.fi || own?.name || listed?.name || id;
  }

  info(queueId) {
    return this.public.find((q) => q.id === queueId) || null;
  }
}
