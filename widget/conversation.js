// The message log: history (stored, ordered by seq), the outbox shown as pending,
// per-message status (sending → sent → delivered → read), quick replies on the newest
// message, and short announcements of incoming messages in a polite live region.

import { authorLabel, messageElement, quickReplies, setStatus } from "./render.js";

const LIVE_KEEP = 3;

export class Conversation {
  constructor(log, live, onQuickReply) {
    this.log = log;
    this.live = live;
    this.onQuickReply = onQuickReply;
    this.chat = null;
    this.shownById = new Map(); // client_msg_id -> quick-reply title shown instead of the payload
    this.keepAtEnd();
  }

  // When the log's box shrinks (the queue banner grows) or its content grows, a reader
  // who was at the newest message stays there instead of losing its last lines. Scrolling
  // up (only the reader does that) lets go; scrolling back to the end holds on again.
  keepAtEnd() {
    const scroller = this.log.closest(".main");
    this.stick = true;
    if (!scroller || typeof ResizeObserver === "undefined") return;
    let lastTop = scroller.scrollTop;
    scroller.addEventListener("scroll", () => {
      const top = scroller.scrollTop;
      if (scroller.scrollHeight - top - scroller.clientHeight < 24) this.stick = true;
      else if (top < lastTop) this.stick = false;
      lastTop = top;
    }, { passive: true });
    const observer = new ResizeObserver(() => {
      if (this.stick) scroller.scrollTo({ top: scroller.scrollHeight, behavior: "instant" });
    });
    observer.observe(scroller); // the box shrinks (banner above it)
    observer.observe(this.log); // or the content grows after it was scrolled
  }

  // Draw everything from the stored chat (after a start or a reload). Nothing is announced.
  show(chat) {
    this.chat = chat;
    this.log.replaceChildren();
    for (const msg of chat.history) this.log.append(this.element(msg));
    for (const entry of chat.outbox) this.appendPending(entry);
    this.refreshQuickReplies();
    this.scrollToEnd();
  }

  element(msg) {
    const item = messageElement(msg, msg.shown ?? this.payloadTitle(msg));
    if (msg.author === "resident") setStatus(item, msg.seq <= (this.chat.read_seq ?? 0) ? "read" : "delivered");
    return item;
  }

  // A resident message that is a quick-reply payload is shown as the button's title.
  payloadTitle(msg) {
    if (msg.author !== "resident" || !msg.text.startsWith("/")) return undefined;
    for (let i = this.chat.history.length - 1; i >= 0; i--) {
      const hit = this.chat.history[i].buttons?.find((b) => b?.payload === msg.text);
      if (hit) return hit.title;
    }
    return undefined;
  }

  appendPending(entry) {
    if (entry.shown && entry.shown !== entry.text) this.shownById.set(entry.client_msg_id, entry.shown);
    const item = messageElement({ author: "resident", text: entry.text,
      client_msg_id: entry.client_msg_id }, entry.shown);
    setStatus(item, "pending");
    this.log.append(item);
    this.refreshQuickReplies();
    this.scrollToEnd();
  }

  pendingItem(id) {
    return [...this.log.querySelectorAll("li[data-client-msg-id]")]
      .find((item) => item.dataset.clientMsgId === id && !item.dataset.seq);
  }

  markAcked(id) {
    const item = this.pendingItem(id);
    if (item) setStatus(item, "sent");
  }

  markFailed(id, reason) {
    const item = this.pendingItem(id);
    if (item) setStatus(item, "failed", reason);
    this.announce(reason);
  }

  // A message.created frame. Returns "dup" (already shown), "gap" (a seq is missing:
  // the caller resyncs) or "new".
  add(frame) {
    const last = this.chat.last_seq;
    if (frame.seq <= last) return "dup";
    if (frame.seq !== last + 1) return "gap";
    const msg = pick(frame);
    const shown = this.shownById.get(msg.client_msg_id);
    if (shown) msg.shown = shown;
    this.chat.history.push(msg);
    this.chat.last_seq = msg.seq;
    this.shownById.delete(msg.client_msg_id);
    if (msg.client_msg_id) this.pendingItem(msg.client_msg_id)?.remove();
    // Stored messages in seq order first, the still-pending ones after them.
    const firstPending = this.log.querySelector("li[data-client-msg-id]:not([data-seq])");
    this.log.insertBefore(this.element(msg), firstPending);
    this.refreshQuickReplies();
    if (msg.author !== "resident") this.announce(`${authorLabel(msg)}: ${msg.text}`);
    this.scrollToEnd();
    return "new";
  }

  markRead(seq) {
    this.chat.read_seq = Math.max(this.chat.read_seq ?? 0, seq);
    for (const item of this.log.querySelectorAll("li.msg--resident[data-seq]")) {
      if (Number(item.dataset.seq) <= this.chat.read_seq) setStatus(item, "read");
    }
  }

  newestIncomingSeq() {
    for (let i = this.chat.history.length - 1; i >= 0; i--) {
      if (this.chat.history[i].author !== "resident") return this.chat.history[i].seq;
    }
    return 0;
  }

  refreshQuickReplies() {
    const hadFocus = this.log.querySelector(".msg__buttons")?.contains(document.activeElement);
    this.log.querySelectorAll(".msg__buttons").forEach((group) => group.remove());
    const lastItem = this.log.lastElementChild;
    const lastMsg = this.chat.history.at(-1);
    const open = this.chat.state !== "closed";
    if (open && lastMsg?.buttons?.length && lastItem?.dataset.seq === String(lastMsg.seq)) {
      lastItem.append(quickReplies(lastMsg.buttons, this.onQuickReply));
    }
    if (hadFocus) document.getElementById("text")?.focus();
  }

  announce(text) {
    const line = document.createElement("p");
    line.textContent = text;
    this.live.append(line);
    while (this.live.childElementCount > LIVE_KEEP) this.live.firstElementChild.remove();
  }

  relabel() {
    if (this.chat) this.show(this.chat);
  }

  scrollToEnd() {
    this.stick = true;
    // The log's own scroller, or the whole page on short screens (see chat.css).
    for (const scroller of [this.log.closest(".main"), document.scrollingElement]) {
      // Instant: a smooth scroll still running when the box resizes would stop short.
      if (scroller) scroller.scrollTo({ top: scroller.scrollHeight, behavior: "instant" });
    }
  }

  transcript() {
    return this.chat ? this.chat.history : [];
  }
}

function pick(frame) {
  const msg = {
    seq: frame.seq,
    author: ["resident", "bot", "staff", "system"].includes(frame.author) ? frame.author : "system",
    text: typeof frame.text === "string" ? frame.text : "",
    created_at: typeof frame.created_at === "string" ? frame.created_at : new Date().toISOString(),
  };
  if (typeof frame.author_name === "string" && frame.author_name) msg.author_name = frame.author_name;
  if (Array.isArray(frame.buttons) && frame.buttons.length) msg.buttons = frame.buttons;
  if (typeof frame.client_msg_id === "string") msg.client_msg_id = frame.client_msg_id;
  return msg;
}
