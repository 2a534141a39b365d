// The region-wide queue: every waiting chat with a ticking waiting time, priority chats
// first and highlighted, "take this" / "take next", and new chats announced (polite live
// region, a highlight, the page title, and an optional beep).

import { $, announce, formatDuration, h, syncList } from "./dom.js";
import { langName, onLangChange, t, topicLabel } from "./i18n.js";

const NEW_HIGHLIGHT_MS = 6_000;

export class Queue {
  constructor(app) {
    this.app = app;
    this.items = [];
    this.receivedAt = 0;
    this.seen = null; // chat ids seen since login (null until the first snapshot)
    this.newUntil = new Map();
    this.list = $("#queue-list");
    $("#take-next").addEventListener("click", () => this.takeNext());
    setInterval(() => this.tick(), 1_000);
    onLangChange(() => this.render());
  }

  update(items) {
    const ordered = [...items].sort((a, b) => Number(b.priority) - Number(a.priority));
    const fresh = this.seen === null ? [] : ordered.filter((item) => !this.seen.has(item.chat_id));
    this.seen ??= new Set();
    for (const item of ordered) this.seen.add(item.chat_id);
    this.items = ordered;
    this.receivedAt = performance.now();
    const now = Date.now();
    for (const item of fresh) this.newUntil.set(item.chat_id, now + NEW_HIGHLIGHT_MS);
    this.render();
    if (fresh.length) this.announceNew(fresh);
  }

  announceNew(fresh) {
    const first = fresh[0];
    const what = fresh.length === 1
      ? t(first.priority ? "queue_new_priority" : "queue_new_one", {
        topic: topicLabel(first.topic), lang: langName(first.lang),
      })
      : t("queue_new_many", { n: fresh.length });
    announce(`${what} ${t("queue_length", { n: this.items.length })}`);
    this.app.sound.beep();
  }

  waited(item) {
    return item.waited_s + (performance.now() - this.receivedAt) / 1000;
  }

  render() {
    const count = this.items.length;
    $("#queue-count").textContent = `(${count})`;
    $("#queue-empty").hidden = count > 0;
    document.title = (count ? `(${count}) ` : "") + t("page_title_console");
    syncList(this.list, this.items, (item) => item.chat_id,
      (item) => this.createItem(item), (el, item) => this.updateItem(el, item));
  }

  createItem(item) {
    const take = h("button", { type: "button", class: "button qitem__take" });
    take.addEventListener("click", () => this.take(item.chat_id));
    return h("li", { class: "qitem" },
      h("div", { class: "qitem__main" },
        h("p", { class: "qitem__topic" }),
        h("p", { class: "qitem__meta" }),
        h("p", { class: "qitem__wait" })),
      take);
  }

  updateItem(el, item) {
    const isNew = (this.newUntil.get(item.chat_id) || 0) > Date.now();
    el.className = `qitem${item.priority ? " qitem--priority" : ""}${isNew ? " qitem--new" : ""}`;
    const topic = el.querySelector(".qitem__topic");
    topic.replaceChildren(
      item.priority ? h("span", { class: "tag tag--priority" }, t("priority")) : "",
      isNew ? h("span", { class: "tag tag--new" }, t("new")) : "",
      topicLabel(item.topic));
    const meta = [langName(item.lang), item.municipality || t("municipality_unknown")];
    el.querySelector(".qitem__meta").textContent = meta.join(" · ");
    el.querySelector(".qitem__wait").textContent = t("waited", { time: formatDuration(this.waited(item)) });
    const take = el.querySelector(".qitem__take");
    take.textContent = t("take_this");
    take.setAttribute("aria-label", t("take_this_label", {
      topic: topicLabel(item.topic), lang: langName(item.lang),
      place: item.municipality || t("municipality_unknown"),
      priority: item.priority ? t("priority") : "",
    }).replace(/\s+,/g, ",").trim());
  }

  tick() {
    const now = Date.now();
    let expired = false;
    for (const [id, until] of this.newUntil) {
      if (until <= now) {
        this.newUntil.delete(id);
        expired = true;
      }
    }
    if (expired) {
      this.render();
      return;
    }
    for (const el of this.list.children) {
      const item = this.items.find((i) => i.chat_id === el.dataset.key);
      if (item) {
        el.querySelector(".qitem__wait").textContent = t("waited", { time: formatDuration(this.waited(item)) });
      }
    }
  }

  alert(text) {
    const el = $("#queue-alert");
    el.textContent = text;
    clearTimeout(this.alertTimer);
    this.alertTimer = setTimeout(() => {
      el.textContent = "";
    }, 8_000);
  }

  full() {
    return this.app.chats.activeCount() >= (this.app.capacity || 1);
  }

  take(chatId) {
    if (this.full()) {
      this.alert(t("at_capacity", { n: this.app.capacity }));
      return;
    }
    this.alert("");
    this.app.chats.focusNext = true;
    if (!this.app.send({ type: "chat.accept", chat_id: chatId })) this.alert(t("err_offline"));
  }

  takeNext() {
    if (!this.items.length) {
      this.alert(t("queue_empty"));
      return;
    }
    if (this.full()) {
      this.alert(t("at_capacity", { n: this.app.capacity }));
      return;
    }
    this.alert("");
    this.app.chats.focusNext = true;
    if (!this.app.send({ type: "queue.take_next" })) this.alert(t("err_offline"));
  }

  focusFirst() {
    const button = this.list.querySelector(".qitem__take") || $("#take-next");
    button.focus();
  }

  reset() {
    this.items = [];
    this.seen = null;
    this.newUntil.clear();
    this.list.replaceChildren();
    $("#queue-alert").textContent = "";
    document.title = t("page_title_console");
  }
}
