// The staff member's chats: one tab each, up to capacity. Messages are kept by seq (so a
// re-sent chat.assigned after a reconnect never duplicates anything); own messages carry a
// client_msg_id and stay pending until message.ack; read marks and typing go both ways.

import { $, announce } from "./dom.js";
import { newMessageId } from "/widget/reconnect.js";
import { onLangChange, t, topicLabel } from "./i18n.js";
import { ChatView } from "./chatview.js";
import { ChatNumbers } from "./numbers.js";

const MAX_TEXT = 4000;
const RETRY_MS = 3_000;
const LOST_AFTER_MS = 10_000; // fallback if presence.updated (end of re-send) never comes
const TYPING_IDLE_MS = 4_000;
const TYPING_REPEAT_MS = 3_000;

export class Chats {
  constructor(app) {
    this.app = app;
    this.byId = new Map();
    this.order = [];
    this.activeId = null;
    this.focusNext = false;
    this.numbers = new ChatNumbers();
    document.addEventListener("visibilitychange", () => this.markRead(this.active()));
    onLangChange(() => {
      for (const chat of this.byId.values()) chat.view.render();
      this.showLoad();
    });
  }

  has(id) {
    return this.byId.has(id);
  }

  get(id) {
    return this.byId.get(id);
  }

  active() {
    return this.byId.get(this.activeId) || null;
  }

  activeCount() {
    return [...this.byId.values()].filter((c) => !c.ended).length;
  }

  showLoad() {
    $("#load").textContent = t("load", { n: this.activeCount(), max: this.app.capacity || 0 });
    $("#no-chats").hidden = this.byId.size > 0;
  }

  // chat.assigned: a new chat for us, or the same chat again after a reconnect.
  assigned(frame, connection) {
    let chat = this.byId.get(frame.chat_id);
    const isNew = !chat;
    if (isNew) {
      chat = {
        id: frame.chat_id, number: this.numbers.number(frame.chat_id), messages: new Map(), outbox: [],
        historyEnd: null, unread: 0, readSent: 0, residentRead: 0, ended: null, residentAway: null,
        typing: false, buttons: new Map(),
      };
      this.byId.set(chat.id, chat);
      this.order.push(chat.id);
    }
    Object.assign(chat, {
      lang: frame.lang, topic: frame.topic, municipality: frame.municipality,
      priority: Boolean(frame.priority), notes: frame.notes || [], connection, ended: null,
      queue: frame.queue || this.app.queue.queueOf.get(frame.chat_id) || chat.queue || null,
    });
    if (chat.historyEnd === null) {
      const bot = frame.transcript.filter((m) => m.author === "bot");
      chat.historyEnd = bot.length ? bot[bot.length - 1].seq : 0;
    }
    if (isNew) chat.view = new ChatView(this.app, chat);
    for (const message of frame.transcript) this.store(chat, message, false);
    chat.view.render();
    this.resend(chat);
    this.showLoad();
    if (isNew) {
      const focus = this.focusNext || !this.activeId;
      if (focus || !this.activeId) this.activate(chat.id, this.focusNext);
      this.focusNext = false;
      announce(t(chat.priority ? "chat_opened_priority" : "chat_opened", {
        n: chat.number, topic: topicLabel(chat.topic),
      }));
    }
  }

  // A new socket reached its snapshot: it re-sends our chats, then presence.updated
  // (synced). Chats it did not re-send are no longer ours. The timer is a fallback.
  connected(connection) {
    clearTimeout(this.lostTimer);
    this.syncing = connection;
    this.lostTimer = setTimeout(() => this.synced(connection), LOST_AFTER_MS);
  }

  synced(connection) {
    if (this.syncing !== connection) return;
    this.syncing = null;
    clearTimeout(this.lostTimer);
    for (const chat of this.byId.values()) {
      if (chat.connection !== connection && !chat.ended) this.end(chat, "lost");
    }
    this.numbers.keepOnly(this.byId.keys());
  }

  store(chat, message, live) {
    if (chat.messages.has(message.seq)) return false;
    chat.messages.set(message.seq, message);
    if (message.author === "bot") {
      for (const b of message.buttons || []) chat.buttons.set(b.payload, b.title);
    }
    const pending = chat.outbox.findIndex((e) => e.client_msg_id === message.client_msg_id);
    if (message.client_msg_id && pending >= 0) chat.outbox.splice(pending, 1);
    chat.view.addMessage(message, live);
    return true;
  }

  created(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat || !this.store(chat, frame, true)) return;
    if (frame.author === "resident") chat.typing = false;
    chat.view.renderTyping();
    const seen = chat.id === this.activeId && document.visibilityState === "visible";
    if (frame.author === "resident" || frame.author === "system") {
      if (seen) announce(t("said_resident", { text: frame.text.slice(0, 200) }));
      else {
        chat.unread += 1;
        chat.view.renderTab();
        announce(t("unread_in_chat", { n: chat.number }));
      }
    }
    // A system notice is not the resident's words: it does not need a read mark of its own
    // (the next one covers it). The resident's "ended the chat" notice comes just before
    // chat.state closed, and a read sent for it reached a chat the server no longer follows.
    if (frame.author !== "system") this.markRead(chat);
  }

  acked(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat) return;
    const entry = chat.outbox.find((e) => e.client_msg_id === frame.client_msg_id);
    if (entry) {
      entry.seq = frame.seq;
      entry.status = "sent";
      chat.view.renderPending(entry);
    }
  }

  failed(frame) {
    const chat = this.byId.get(frame.chat_id);
    const entry = chat?.outbox.find((e) => e.client_msg_id === frame.client_msg_id);
    if (!entry) return false;
    if (frame.code === "rate_limited" || frame.code === "unavailable") {
      setTimeout(() => this.resend(chat), RETRY_MS);
      return true;
    }
    entry.status = "failed";
    entry.error = frame.code;
    chat.view.renderPending(entry);
    announce(t("send_failed"));
    return true;
  }

  typing(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat || frame.author !== "resident") return;
    chat.typing = Boolean(frame.active);
    clearTimeout(chat.typingTimer);
    if (chat.typing) chat.typingTimer = setTimeout(() => this.typing({ ...frame, active: false }), 15_000);
    chat.view.renderTyping();
  }

  read(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat || frame.by !== "resident") return;
    chat.residentRead = Math.max(chat.residentRead, frame.seq);
    chat.view.renderReadMarks();
  }

  state(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat || frame.state !== "closed" || frame.reason === "closed_by_staff") return;
    this.end(chat, "resident");
  }

  released(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat) return;
    this.app.transfer.done(chat.id, frame.reason);
    this.app.closer.done(chat.id, frame.reason);
    announce(t(`released_${frame.reason}`, { n: chat.number }));
    this.remove(chat.id);
  }

  // chat.presence: the resident's socket has been gone for a while (or is back).
  presence(frame) {
    const chat = this.byId.get(frame.chat_id);
    if (!chat || chat.ended) return;
    const away = frame.resident_online ? null : (frame.since || new Date().toISOString());
    if (away === chat.residentAway || (away && chat.residentAway)) return;
    chat.residentAway = away;
    chat.view.renderPresence();
    chat.view.renderTab();
    announce(t(away ? "resident_left_chat" : "resident_back_chat", { n: chat.number }));
  }

  // The chat stays visible (read-only) until the staff member removes the tab.
  end(chat, kind) {
    chat.ended = kind;
    chat.typing = false;
    chat.view.render();
    this.showLoad();
    announce(t(`ended_${kind}`, { n: chat.number }));
  }

  remove(id) {
    const chat = this.byId.get(id);
    if (!chat) return;
    const index = this.order.indexOf(id);
    const hadFocus = chat.view.panel.contains(document.activeElement)
      || chat.view.tab.contains(document.activeElement);
    chat.view.destroy();
    this.byId.delete(id);
    this.numbers.forget(id);
    this.order.splice(index, 1);
    if (this.activeId === id) {
      this.activeId = null;
      const next = this.order[Math.min(index, this.order.length - 1)];
      if (next) this.activate(next, false);
    }
    this.showLoad();
    if (hadFocus) {
      const tab = this.active()?.view.tab;
      if (tab) tab.focus();
      else $("#take-next").focus();
    }
  }

  activate(id, focusComposer) {
    const chat = this.byId.get(id);
    if (!chat) return;
    this.activeId = id;
    for (const other of this.byId.values()) other.view.setActive(other.id === id);
    chat.unread = 0;
    chat.view.renderTab();
    chat.view.scrollToEnd();
    this.markRead(chat);
    if (focusComposer) chat.view.focusComposer();
  }

  activateIndex(index) {
    const id = this.order[index];
    if (id) this.activate(id, true);
  }

  step(delta) {
    if (!this.order.length) return;
    const index = Math.max(0, this.order.indexOf(this.activeId));
    const next = (index + delta + this.order.length) % this.order.length;
    this.activate(this.order[next], false);
    this.active().view.tab.focus();
  }

  markRead(chat) {
    if (!chat || chat.ended || chat.id !== this.activeId || document.visibilityState !== "visible") return;
    const last = Math.max(0, ...chat.messages.keys());
    if (last > chat.readSent && this.app.send({ type: "read", chat_id: chat.id, seq: last })) {
      chat.readSent = last;
    }
  }

  // Send a message: pending until acked; re-sent with the same client_msg_id on reconnect.
  sendText(chat, text) {
    const body = text.trim();
    if (!body) return false;
    if (body.length > MAX_TEXT) {
      chat.view.setAlert(t("too_long", { max: MAX_TEXT }));
      return false;
    }
    const entry = { client_msg_id: newMessageId(), text: body, status: "pending", seq: null };
    chat.outbox.push(entry);
    chat.view.addPending(entry);
    this.app.send({ type: "message.send", chat_id: chat.id, client_msg_id: entry.client_msg_id, text: body });
    this.setTyping(chat, false);
    return true;
  }

  resend(chat) {
    for (const entry of chat.outbox) {
      if (entry.status !== "pending") continue;
      this.app.send({ type: "message.send", chat_id: chat.id, client_msg_id: entry.client_msg_id, text: entry.text });
    }
  }

  retry(chat, clientMsgId) {
    const entry = chat.outbox.find((e) => e.client_msg_id === clientMsgId);
    if (!entry) return;
    entry.status = "pending";
    chat.view.renderPending(entry);
    this.resend(chat);
  }

  composing(chat) {
    const now = Date.now();
    if (!chat.typingSent || now - chat.typingSentAt > TYPING_REPEAT_MS) this.setTyping(chat, true);
    clearTimeout(chat.typingIdle);
    chat.typingIdle = setTimeout(() => this.setTyping(chat, false), TYPING_IDLE_MS);
  }

  setTyping(chat, active) {
    clearTimeout(chat.typingIdle);
    if (!active && !chat.typingSent) return;
    if (chat.ended) return;
    if (this.app.send({ type: "typing", chat_id: chat.id, active })) {
      chat.typingSent = active;
      chat.typingSentAt = Date.now();
    }
  }

  alert(chatId, text) {
    this.byId.get(chatId)?.view.setAlert(text);
    this.app.transfer.error(chatId, text);
    this.app.closer.error(chatId, text);
  }

  reset() {
    for (const chat of this.byId.values()) chat.view.destroy();
    this.byId.clear();
    this.order = [];
    this.activeId = null;
    clearTimeout(this.lostTimer);
    this.showLoad();
  }
}
