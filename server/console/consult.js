// Consultation: send an (editable) excerpt of a chat to colleagues — the server anonymises
// it and we show the text it stored — and a panel of threads (last 24 h) updated live by
// consult.updated frames, where colleagues reply.

import { api, errorText } from "./api.js";
import { $, announce, formatTime, h, localeFor, openDialog, syncList } from "./dom.js";
import { lang, langName, onLangChange, t, topicLabel } from "./i18n.js";

export class Consultations {
  constructor(app) {
    this.app = app;
    this.threads = new Map();
    this.unseen = 0;
    this.pane = $("#consult-pane");
    this.list = $("#threads");
    this.toggle = $("#open-consult");
    this.chat = null;
    this.toggle.addEventListener("click", () => this.setOpen(this.pane.hidden));
    $("#close-consult").addEventListener("click", () => this.setOpen(false));
    $("#consult-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    onLangChange(() => {
      this.list.replaceChildren();
      this.render();
    });
  }

  setOpen(open) {
    this.pane.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    document.body.classList.toggle("consult-open", open);
    if (open) {
      this.unseen = 0;
      this.renderBadge();
      $("#consult-title").setAttribute("tabindex", "-1");
      $("#consult-title").focus();
    } else this.toggle.focus();
  }

  async load() {
    try {
      const data = await api("GET", "/api/v1/staff/consultations");
      for (const thread of data.items) this.threads.set(thread.id, thread);
      $("#consult-error").textContent = "";
      this.render();
    } catch (error) {
      $("#consult-error").textContent = errorText(error);
    }
  }

  upsert(thread, live) {
    const known = this.threads.get(thread.id);
    this.threads.set(thread.id, thread);
    this.render();
    // Our own thread or reply comes back on the socket too: nothing new to announce.
    if (!live || (known && known.replies.length === thread.replies.length)) return;
    const isReply = Boolean(known);
    if (this.pane.hidden) {
      this.unseen += 1;
      this.renderBadge();
    }
    announce(t(isReply ? "consult_new_reply" : "consult_new_thread", { name: thread.author_name }));
  }

  renderBadge() {
    const badge = $("#consult-badge");
    badge.hidden = this.unseen === 0;
    badge.textContent = String(this.unseen);
    this.toggle.setAttribute("aria-label", this.unseen
      ? `${t("consult_panel")}, ${t("unread", { n: this.unseen })}` : t("consult_panel"));
  }

  render() {
    const threads = [...this.threads.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
    $("#threads-empty").hidden = threads.length > 0;
    syncList(this.list, threads, (th) => th.id, (th) => this.createThread(th), (el, th) => this.updateThread(el, th));
  }

  createThread(thread) {
    const id = `reply-${String(thread.id).replace(/[^a-z0-9_-]/gi, "_")}`;
    const input = h("textarea", { id, rows: 2, maxlength: 4000, class: "thread__input" });
    const error = h("p", { class: "form__error", role: "alert" });
    const form = h("form", { class: "thread__reply" },
      h("label", { for: id, class: "thread__label" }),
      input, h("button", { type: "submit", class: "button thread__send" }), error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.reply(thread.id, input, error);
    });
    return h("li", { class: "thread" },
      h("p", { class: "thread__meta" }), h("blockquote", { class: "quote thread__text" }),
      h("ol", { class: "thread__replies" }), form);
  }

  updateThread(el, thread) {
    const locale = localeFor(lang());
    el.querySelector(".thread__meta").textContent = [thread.author_name,
      formatTime(thread.created_at, locale), langName(thread.lang), topicLabel(thread.topic)].join(" · ");
    el.querySelector(".thread__text").textContent = thread.text;
    el.querySelector(".thread__label").textContent = t("consult_reply_label");
    el.querySelector(".thread__send").textContent = t("consult_reply_send");
    syncList(el.querySelector(".thread__replies"), thread.replies, (r) => r.id,
      () => h("li", { class: "reply" }, h("p", { class: "reply__meta" }), h("p", { class: "reply__text" })),
      (li, r) => {
        li.querySelector(".reply__meta").textContent = `${r.author_name} · ${formatTime(r.created_at, locale)}`;
        li.querySelector(".reply__text").textContent = r.text;
      });
  }

  async reply(threadId, input, error) {
    const text = input.value.trim();
    if (!text) {
      error.textContent = t("consult_reply_empty");
      return;
    }
    try {
      const thread = await api("POST", `/api/v1/staff/consultations/${encodeURIComponent(threadId)}/replies`, { text });
      input.value = "";
      error.textContent = "";
      this.threads.set(thread.id, thread);
      this.render();
      announce(t("consult_reply_sent"));
    } catch (failure) {
      error.textContent = errorText(failure);
    }
  }

  // From a chat: prefill with the selected text of the conversation, else the resident's
  // latest messages; the staff member edits it before sending.
  compose(chat) {
    if (!chat || chat.ended) return;
    this.chat = chat;
    $("#consult-text").value = chat.view.selectedText() || chat.view.residentExcerpt();
    $("#consult-send-error").textContent = "";
    $("#consult-result").hidden = true;
    $("#consult-submit").hidden = false;
    $("#consult-text").readOnly = false;
    openDialog($("#consult-dialog"), $("#consult-text"));
  }

  async submit() {
    const text = $("#consult-text").value.trim();
    if (!this.chat || $("#consult-submit").hidden) return;
    if (!text) {
      $("#consult-send-error").textContent = t("consult_empty_excerpt");
      return;
    }
    try {
      const thread = await api("POST", "/api/v1/staff/consultations", { chat_id: this.chat.id, text });
      this.threads.set(thread.id, thread);
      this.render();
      $("#consult-send-error").textContent = "";
      $("#consult-result-text").textContent = thread.text;
      $("#consult-result").hidden = false;
      $("#consult-submit").hidden = true;
      $("#consult-text").readOnly = true;
      $("#consult-dialog").querySelector("[data-close]").focus();
      announce(t("consult_sent"));
    } catch (error) {
      $("#consult-send-error").textContent = errorText(error);
    }
  }

  reset() {
    this.threads.clear();
    this.unseen = 0;
    this.list.replaceChildren();
    this.renderBadge();
    if (!this.pane.hidden) {
      this.pane.hidden = true;
      this.toggle.setAttribute("aria-expanded", "false");
      document.body.classList.remove("consult-open");
    }
  }
}
