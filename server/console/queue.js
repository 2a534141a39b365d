// The queue: every waiting chat of the chosen service queues (queuefilter.js) with its
// service and a ticking waiting time, priority chats first and highlighted, "take this" /
// "take next", and new chats announced (polite live region, a highlight, the page title,
// and an optional beep).

import { $, announce, formatDuration, h, syncList } from "./dom.js";
import { langName, onLangChange, t, topicLabel } from "./i18n.js";
import { QueueFilter } from "./queuefilter.js";
import { DEFAULT_QUEUE } from "./services.js";

const NEW_HIGHLIGHT_MS = 6_000;

export class Queue {
  constructor(app) {
    this.app = app;
    this.items = []; // every queued chat the server sent (all queues)
    this.shown = []; // those of the chosen queues
    this.queueOf = new Map(); // chat id → its service queue (for the chat once taken)
    this.filter = new QueueFilter(app.services, () => this.render());
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
    const fresh = this.seen === null ? [] : ordered.filter((item) =>
      !this.seen.has(item.chat_id) && this.filter.shows(item));
    this.seen ??= new Set();
    for (const item of ordered) {
      this.seen.add(item.chat_id);
      this.queueOf.set(item.chat_id, item.queue || DEFAULT_QUEUE);
      this.app.services.note(item.queue);
    }
    if (this.queueOf.size > 500) this.queueOf.delete(this.queueOf.keys().next().value);
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
    announce(`${what} ${t("queue_length", { n: this.shown.length })}`);
    this.app.sound.beep();
  }

  waited(item) {
    return item.waited_s + (performance.now() - this.receivedAt) / 1000;
  }

  render() {
    this.shown = this.items.filter((item) => this.filter.shows(item));
    const count = this.shown.length;
    $("#queue-count").textContent = `(${count})`;
    $("#queue-empty").hidden = count > 0;
    document.title = (count ? `(${count}) ` : "") + t("page_title_console");
    this.filter.render(this.items, (item) => this.waited(item));
    syncList(this.list, this.shown, (item) => item.chat_id,
      (item) => this.createItem(item), (el, item) => this.updateItem(el, item));
  }

  createItem(item) {
    const take = h("button", { type: "button", class: "button qitem__take" });
    take.addEventListener("click", () => this.take(item.chat_id));
    return h("li", { class: "qitem" },
      h("div", { class: "qitem__main" },
        h("p", { class: "qitem__topic" }),
        h("p", { class: "qitem__queue" }),
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
    const several = this.app.services.several();
    const service = several ? this.app.services.name(item.queue) : "";
    const meta = [langName(item.lang), item.municipality || t("municipality_unknown")];
    el.querySelector(".qitem__meta").textContent = meta.join(" · ");
    const queue = el.querySelector(".qitem__queue");
    queue.hidden = !several;
    queue.textContent = several ? t("qitem_service", { name: service }) : "";
    el.querySelector(".qitem__wait").textContent = t("waited", { time: formatDuration(this.waited(item)) });
    const take = el.querySelector(".qitem__take");
    take.textContent = t("take_this");
    take.setAttribute("aria-label", t("take_this_label", {
      topic: topicLabel(item.topic), lang: langName(item.lang),
      place: item.municipality || t("municipality_unknown"),
      priority: item.priority ? t("priority") : "",
    }).replace(/\s+,/g, ",").trim() + (several ? `, ${service}` : ""));
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
    this.filter.render(this.items, (item) => this.waited(item));
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
    // The server takes the most urgent chat of the staff member's own queues.
    if (!this.items.some((item) => this.app.services.isMine(item.queue))) {
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
    this.shown = [];
    this.seen = null;
    this.queueOf.clear();
    this.newUntil.clear();
    this.list.replaceChildren();
    $("#queue-alert").textContent = "";
    document.title = t("page_title_console");
  }
}
