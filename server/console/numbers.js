// Chat numbers ("chat 3") that stay the same over a reload or a new login in this browser:
// kept in localStorage per account, for the chats still open here; the count starts again
// each day. Only chat ids and numbers are stored, never anything about the resident.

import { safeStorageGet, safeStorageSet } from "./dom.js";

function today() {
  return new Date().toISOString().slice(0, 10);
}

export class ChatNumbers {
  constructor() {
    this.key = null;
    this.state = { day: today(), last: 0, ids: {} };
  }

  // The account the numbers belong to (two people may share a browser).
  use(username) {
    this.key = `neuvo.console.numbers.${username}`;
    let saved = null;
    try {
      saved = JSON.parse(safeStorageGet(this.key) || "null");
    } catch {
      saved = null;
    }
    const ok = saved && typeof saved.last === "number" && saved.ids && typeof saved.ids === "object";
    this.state = ok ? saved : { day: today(), last: 0, ids: {} };
    if (this.state.day !== today()) {
      this.state.day = today();
      this.state.last = Math.max(0, ...Object.values(this.state.ids));
    }
  }

  number(chatId) {
    if (!(chatId in this.state.ids)) this.state.ids[chatId] = ++this.state.last;
    this.save();
    return this.state.ids[chatId];
  }

  forget(chatId) {
    delete this.state.ids[chatId];
    this.save();
  }

  // After the server re-sent our chats: numbers of chats no longer here are not needed.
  keepOnly(chatIds) {
    const keep = new Set(chatIds);
    for (const id of Object.keys(this.state.ids)) if (!keep.has(id)) delete this.state.ids[id];
    this.save();
  }

  save() {
    if (this.key) safeStorageSet(this.key, JSON.stringify(this.state));
  }
}
