// One chat on screen: its tab (with unread count) and its panel — details, staff-only
// notes, the bot conversation before the handoff, the conversation, typing and the
// composer. Messages are added one by one (keyed by seq), never re-rendered wholesale
// except when the UI language changes.

import { $, formatTime, h, localeFor } from "./dom.js";
import { lang, langName, t, topicLabel } from "./i18n.js";

const NEAR_BOTTOM_PX = 80;

export class ChatView {
  constructor(app, chat) {
    this.app = app;
    this.chat = chat;
    const id = `chat-${chat.number}`;
    this.tab = h("button", {
      type: "button", role: "tab", id: `tab-${id}`, class: "tab", "aria-controls": `panel-${id}`,
      "aria-selected": "false", tabindex: "-1",
    });
    this.tab.addEventListener("click", () => app.chats.activate(chat.id, true));
    this.tab.addEventListener("keydown", (event) => this.tabKey(event));
    this.buildPanel(id);
    $("#tabs").append(this.tab);
    $("#panels").append(this.panel);
    this.keepAtEnd();
  }

  // When the log's box shrinks (the "chat ended" banner or an alert appears above it) or its
  // content grows, a reader who was at the newest message stays there. Scrolling up (only
  // the reader does that) lets go; scrolling back to the end holds on again (as the widget).
  keepAtEnd() {
    const scroller = this.scroller;
    this.stick = true;
    let lastTop = scroller.scrollTop;
    scroller.addEventListener("scroll", () => {
      const top = scroller.scrollTop;
      if (scroller.scrollHeight - top - scroller.clientHeight < 24) this.stick = true;
      else if (top < lastTop) this.stick = false;
      lastTop = top;
    }, { passive: true });
    if (typeof ResizeObserver === "undefined") return;
    this.resizeObserver = new ResizeObserver(() => {
      if (this.stick && !this.panel.hidden) this.scrollToEnd();
    });
    this.resizeObserver.observe(scroller);
    this.resizeObserver.observe(this.log);
  }

  buildPanel(id) {
    const action = (key, handler, shortcut) => {
      const button = h("button", { type: "button", class: "button", dataset: { i18n: key } });
      if (shortcut) button.setAttribute("aria-keyshortcuts", shortcut);
      button.addEventListener("click", handler);
      return button;
    };
    this.title = h("h2", { class: "chat__title", id: `title-${id}` });
    this.details = h("p", { class: "chat__details" });
    this.presenceLine = h("p", { class: "chat__presence", hidden: true });
    this.transcriptLink = h("a", { class: "button", download: "", dataset: { i18n: "save_transcript" },
      href: `/api/v1/staff/chats/${encodeURIComponent(this.chat.id)}/transcript.txt` });
    this.actions = h("div", { class: "chat__actions" },
      action("canned_button", () => this.app.canned.open(this.chat), "Control+K"),
      action("transfer_button", () => this.app.transfer.open(this.chat), "Alt+T"),
      action("consult_button", () => this.app.consult.compose(this.chat), "Alt+K"),
      this.transcriptLink,
      action("close_button", () => this.app.closer.open(this.chat), "Alt+C"));
    this.alertBox = h("p", { class: "chat__alert", role: "alert" });
    this.endedBox = h("div", { class: "notice notice--warning chat__ended", hidden: true });
    this.notes = h("section", { class: "notes", hidden: true });
    this.history = h("ol", { class: "log-history" });
    this.historyBox = h("section", { class: "history", hidden: true },
      h("h3", { class: "history__title", dataset: { i18n: "history_title" } }), this.history);
    this.log = h("ol", { class: "log" });
    this.scroller = h("div", { class: "chat__scroll", tabindex: "0", role: "region",
      "aria-labelledby": `title-${id}` }, this.historyBox,
    h("h3", { class: "sr-only", dataset: { i18n: "conversation" } }), this.log);
    this.typingLine = h("p", { class: "chat__typing" });
    this.input = h("textarea", { id: `composer-${id}`, class: "composer__input", rows: 3,
      maxlength: 4000, "aria-describedby": `hint-${id}` });
    this.input.addEventListener("keydown", (event) => this.composerKey(event));
    this.input.addEventListener("input", () => {
      this.app.chats.composing(this.chat);
      this.renderCount();
    });
    this.counter = h("span", { class: "composer__count" });
    this.composer = h("form", { class: "composer" },
      h("label", { for: this.input.id, dataset: { i18n: "composer_label" } }),
      h("div", { class: "composer__row" }, this.input,
        h("button", { type: "submit", class: "button button--primary", dataset: { i18n: "send" } })),
      h("p", { class: "hint", id: `hint-${id}` }, h("span", { dataset: { i18n: "composer_hint" } }), " ",
        this.counter));
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.app.chats.sendText(this.chat, this.input.value)) {
        this.input.value = "";
        this.renderCount();
      }
    });
    this.panel = h("section", { role: "tabpanel", id: `panel-${id}`, class: "chat",
      "aria-labelledby": `tab-${id}`, hidden: true },
    h("header", { class: "chat__head" }, h("div", {}, this.title, this.details, this.presenceLine), this.actions),
    this.alertBox, this.endedBox, this.notes, this.scroller, this.typingLine, this.composer);
  }

  tabKey(event) {
    const moves = { ArrowRight: 1, ArrowLeft: -1 };
    if (event.key in moves) {
      event.preventDefault();
      this.app.chats.step(moves[event.key]);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      const order = this.app.chats.order;
      this.app.chats.activate(order[event.key === "Home" ? 0 : order.length - 1], false);
      this.app.chats.active().view.tab.focus();
    }
  }

  composerKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.composer.requestSubmit();
    } else if (event.key === "/" && this.input.value === "") {
      event.preventDefault();
      this.app.canned.open(this.chat);
    }
  }

  render() {
    const chat = this.chat;
    for (const el of this.panel.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    this.title.textContent = t("chat_title", { n: chat.number, topic: topicLabel(chat.topic) });
    this.details.replaceChildren(
      chat.priority ? h("span", { class: "tag tag--priority" }, t("priority")) : "",
      [t("detail_lang", { lang: langName(chat.lang) }),
        t("detail_place", { place: chat.municipality || t("municipality_unknown") })].join(" · "));
    this.renderNotes();
    this.renderPresence();
    this.renderEnded();
    this.renderTab();
    this.history.replaceChildren();
    this.log.replaceChildren();
    const seqs = [...chat.messages.keys()].sort((a, b) => a - b);
    for (const seq of seqs) this.addMessage(chat.messages.get(seq), false);
    for (const entry of chat.outbox) this.addPending(entry);
    this.renderTyping();
    this.renderCount();
    this.input.setAttribute("aria-keyshortcuts", "Enter");
  }

  renderNotes() {
    const notes = this.chat.notes || [];
    this.notes.hidden = notes.length === 0;
    this.notes.replaceChildren(h("h3", { class: "notes__title" }, t("notes_title")),
      h("ul", {}, notes.map((note) => h("li", {},
        h("span", { class: "notes__meta" },
          `${note.author_name} · ${formatTime(note.created_at, localeFor(lang()))}: `),
        note.text))));
  }

  renderEnded() {
    const kind = this.chat.ended;
    this.endedBox.hidden = !kind;
    this.input.disabled = Boolean(kind);
    for (const button of this.actions.querySelectorAll("button")) button.disabled = Boolean(kind);
    this.composer.querySelector("button[type=submit]").disabled = Boolean(kind);
    if (!kind) return;
    const remove = h("button", { type: "button", class: "button" }, t("remove_tab"));
    remove.addEventListener("click", () => this.app.chats.remove(this.chat.id));
    const actions = [remove];
    if (kind === "resident") {
      // The server still takes the tags of a chat the resident ended (statistics).
      const tag = h("button", { type: "button", class: "button button--primary" }, t("tag_and_close"));
      tag.addEventListener("click", () => this.app.closer.open(this.chat));
      actions.unshift(tag);
    }
    this.endedBox.replaceChildren(h("p", {}, t(`ended_${kind}`, { n: this.chat.number })), ...actions);
  }

  // "The resident has left the chat (at 12.03)" while their socket is gone (chat.presence).
  renderPresence() {
    const since = !this.chat.ended && this.chat.residentAway;
    this.presenceLine.hidden = !since;
    this.presenceLine.textContent = since
      ? t("resident_away", { time: formatTime(since, localeFor(lang())) }) : "";
  }

  renderTab() {
    const chat = this.chat;
    const label = `${chat.number}. ${topicLabel(chat.topic)} (${chat.lang.toUpperCase()})`;
    this.tab.replaceChildren(
      chat.priority ? h("span", { class: "tab__priority", "aria-hidden": "true" }, "!") : "",
      h("span", {}, label),
      chat.unread ? h("span", { class: "badge" }, String(chat.unread)) : "",
      chat.residentAway && !chat.ended ? h("span", { class: "tab__away", "aria-hidden": "true" }, "⏸") : "",
      chat.ended ? h("span", { class: "tab__ended", "aria-hidden": "true" }, "✓") : "");
    const parts = [label];
    if (chat.priority) parts.push(t("priority"));
    if (chat.unread) parts.push(t("unread", { n: chat.unread }));
    if (chat.residentAway && !chat.ended) parts.push(t("tab_away"));
    if (chat.ended) parts.push(t("tab_ended"));
    this.tab.setAttribute("aria-label", parts.join(", "));
    this.tab.classList.toggle("tab--priority", chat.priority);
  }

  setActive(active) {
    this.tab.setAttribute("aria-selected", String(active));
    this.tab.tabIndex = active ? 0 : -1;
    this.panel.hidden = !active;
  }

  authorLabel(message) {
    if (message.author === "staff") return message.author_name || t("author_staff");
    return t(`author_${message.author}`);
  }

  messageText(message) {
    const title = message.author === "resident" && this.chat.buttons.get(message.text);
    return title ? t("pressed_button", { title }) : message.text;
  }

  messageItem(key, author, name, time, text, extra) {
    return h("li", { class: `msg msg--${author}`, dataset: { key } },
      h("p", { class: "msg__meta" }, h("span", { class: "msg__author" }, name),
        time ? h("time", { class: "msg__time" }, time) : ""),
      h("p", { class: "msg__text" }, text), extra);
  }

  addMessage(message, live) {
    const stick = live && this.nearBottom();
    const inHistory = message.seq <= (this.chat.historyEnd || 0);
    const list = inHistory ? this.history : this.log;
    if (inHistory) this.historyBox.hidden = false;
    const pending = message.client_msg_id && this.log.querySelector(`[data-key="c-${message.client_msg_id}"]`);
    const buttons = (message.buttons || []).length
      ? h("p", { class: "msg__buttons" }, t("bot_buttons", { list: message.buttons.map((b) => b.title).join(" | ") }))
      : "";
    const status = message.author === "staff" ? h("span", { class: "msg__status" }) : "";
    const item = this.messageItem(`s-${message.seq}`, message.author, this.authorLabel(message),
      formatTime(message.created_at, localeFor(lang())), this.messageText(message), [buttons, status]);
    item.dataset.seq = String(message.seq);
    if (pending) pending.replaceWith(item);
    else this.insertBySeq(list, item, message.seq);
    this.renderReadMarks();
    if (stick) this.scrollToEnd();
  }

  insertBySeq(list, item, seq) {
    const after = [...list.children].find((li) => li.dataset.seq && Number(li.dataset.seq) > seq)
      || list.querySelector("[data-key^='c-']");
    list.insertBefore(item, after || null);
  }

  addPending(entry) {
    const item = this.messageItem(`c-${entry.client_msg_id}`, "staff", this.app.me?.display_name || "",
      "", entry.text, h("span", { class: "msg__status" }));
    this.log.append(item);
    this.renderPending(entry);
    this.scrollToEnd();
  }

  renderPending(entry) {
    const item = this.log.querySelector(`[data-key="c-${entry.client_msg_id}"]`);
    if (!item) return;
    item.classList.toggle("msg--pending", entry.status === "pending");
    item.classList.toggle("msg--failed", entry.status === "failed");
    const status = item.querySelector(".msg__status");
    if (entry.status === "failed") {
      const retry = h("button", { type: "button", class: "link-button" }, t("retry"));
      retry.addEventListener("click", () => this.app.chats.retry(this.chat, entry.client_msg_id));
      status.replaceChildren(t("st_failed", { code: t(`err_${entry.error}`, {}, null) ?? t("err_unavailable") }), " ", retry);
    } else status.textContent = t(entry.status === "sent" ? "st_sent" : "st_pending");
  }

  renderReadMarks() {
    for (const item of this.log.querySelectorAll(".msg--staff[data-seq]")) {
      const read = Number(item.dataset.seq) <= this.chat.residentRead;
      item.querySelector(".msg__status").textContent = t(read ? "st_read" : "st_sent");
    }
  }

  renderTyping() {
    this.typingLine.textContent = this.chat.typing ? t("resident_typing") : "";
  }

  renderCount() {
    const left = 4000 - this.input.value.length;
    this.counter.textContent = left < 500 ? t("chars_left", { n: left }) : "";
  }

  setAlert(text) {
    this.alertBox.textContent = text;
    clearTimeout(this.alertTimer);
    this.alertTimer = setTimeout(() => {
      this.alertBox.textContent = "";
    }, 10_000);
  }

  nearBottom() {
    const el = this.scroller;
    return el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToEnd() {
    this.stick = true;
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior: "instant" });
  }

  focusComposer() {
    if (!this.input.disabled) this.input.focus();
    else this.tab.focus();
  }

  insertText(text) {
    const { selectionStart: start, selectionEnd: end, value } = this.input;
    this.input.value = value.slice(0, start) + text + value.slice(end);
    const caret = start + text.length;
    this.input.focus();
    this.input.setSelectionRange(caret, caret);
    this.renderCount();
  }

  // Text selected inside this chat's conversation, if any.
  selectedText() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
    const range = selection.getRangeAt(0);
    return this.scroller.contains(range.commonAncestorContainer) ? selection.toString().trim() : "";
  }

  residentExcerpt(count = 3) {
    const texts = [...this.chat.messages.values()].filter((m) => m.author === "resident")
      .sort((a, b) => a.seq - b.seq).slice(-count).map((m) => this.messageText(m));
    return texts.join("\n");
  }

  destroy() {
    this.resizeObserver?.disconnect();
    this.tab.remove();
    this.panel.remove();
  }
}
