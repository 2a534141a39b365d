// Transfer a chat to an on-duty colleague (languages and load shown), back to the queue, or
// to another service's queue (open or closed now, with its hours), with an internal note
// the resident never sees. A service that is closed now needs a clear confirmation first
// (then `confirm: true`); so does one the server refuses because it closed meanwhile.

import { api, errorText } from "./api.js";
import { $, h, openDialog } from "./dom.js";
import { langName, t } from "./i18n.js";

const SERVICE = "service:";

export class TransferDialog {
  constructor(app) {
    this.app = app;
    this.dialog = $("#transfer-dialog");
    this.options = $("#transfer-options");
    this.services = $("#transfer-services");
    this.errorBox = $("#transfer-error");
    this.closedBox = $("#transfer-closed");
    this.chat = null;
    this.waiting = false;
    this.sent = null; // the frame waiting for chat.released (or an error)
    $("#transfer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit(false);
    });
    $("#transfer-confirm").addEventListener("click", () => this.submit(true));
    $("#transfer-closed-cancel").addEventListener("click", () => this.hideClosed(true));
    this.dialog.addEventListener("change", (event) => {
      if (event.target.name === "transfer-to") this.hideClosed(false);
    });
    this.dialog.addEventListener("close", () => {
      this.chat = null;
      this.waiting = false;
      this.sent = null;
    });
  }

  async open(chat) {
    if (!chat || chat.ended) return;
    this.chat = chat;
    this.waiting = false;
    this.sent = null;
    $("#transfer-note").value = "";
    this.errorBox.textContent = "";
    this.hideClosed(false);
    const own = this.app.services.several() && chat.queue
      ? this.app.services.name(chat.queue) : "";
    this.options.replaceChildren(this.option("queue", t("transfer_queue"),
      own ? t("transfer_queue_own", { name: own }) : "", false));
    this.services.replaceChildren();
    $("#transfer-services-field").hidden = true;
    openDialog(this.dialog, this.options.querySelector("input"));
    this.options.querySelector("input").checked = true;
    await Promise.all([this.loadColleagues(chat), this.loadServices(chat)]);
  }

  async loadColleagues(chat) {
    try {
      const data = await api("GET", "/api/v1/staff/colleagues");
      if (this.chat !== chat) return;
      const colleagues = [...data.items].sort((a, b) =>
        Number(b.languages.includes(chat.lang)) - Number(a.languages.includes(chat.lang))
        || (a.active_chats / a.capacity) - (b.active_chats / b.capacity));
      for (const c of colleagues) {
        const away = c.status !== "available";
        const full = c.active_chats >= c.capacity;
        const detail = [
          c.languages.map(langName).join(", "),
          t("colleague_load", { n: c.active_chats, max: c.capacity }),
          t(`presence_${c.status}`),
        ].join(" · ");
        this.options.append(this.option(c.username, c.display_name, detail, away || full));
      }
      if (!colleagues.length) this.options.append(h("p", { class: "hint" }, t("no_colleagues")));
    } catch (error) {
      this.errorBox.textContent = errorText(error);
    }
  }

  // Other services: the public list in the UI language, fresh (open now changes).
  async loadServices(chat) {
    let items;
    try {
      items = await this.app.services.load();
    } catch (error) {
      if (this.chat === chat) this.errorBox.textContent = errorText(error);
      return;
    }
    if (this.chat !== chat) return;
    const others = items.filter((q) => q.id !== chat.queue);
    if (!this.app.services.several() || !others.length) return;
    this.services.replaceChildren(...others.map((q) => {
      const state = q.open_now ? t("transfer_service_open") : t("transfer_service_closed");
      const detail = [state, q.hours_text ? t("transfer_service_hours", { hours: q.hours_text }) : ""]
        .filter(Boolean).join(" · ");
      const option = this.option(SERVICE + q.id, q.name, detail, false, `transfer-svc-${q.id}`);
      option.dataset.open = String(Boolean(q.open_now));
      return option;
    }));
    $("#transfer-services-field").hidden = false;
  }

  option(value, name, detail, disabled, id = `transfer-to-${value.replace(/[^a-z0-9_-]/gi, "_")}`) {
    return h("div", { class: "check check--option" },
      h("input", { type: "radio", name: "transfer-to", id, value, disabled }),
      h("label", { for: id }, h("span", { class: "option__title" }, name),
        detail ? h("span", { class: "option__text" }, detail) : ""));
  }

  chosen() {
    return this.dialog.querySelector("input[name='transfer-to']:checked");
  }

  submit(confirmed) {
    if (!this.chat || this.waiting) return;
    const chosen = this.chosen();
    if (!chosen) {
      this.errorBox.textContent = t("transfer_choose");
      return;
    }
    const frame = { type: "chat.transfer", chat_id: this.chat.id, to: chosen.value };
    if (chosen.value.startsWith(SERVICE)) {
      const queueId = chosen.value.slice(SERVICE.length);
      Object.assign(frame, { to: "queue", queue: queueId });
      const closed = chosen.closest("[data-open]")?.dataset.open === "false";
      if (closed && !confirmed) {
        this.askClosed(queueId);
        return;
      }
      if (confirmed) frame.confirm = true;
    }
    const note = $("#transfer-note").value.trim();
    if (note) frame.note = note;
    this.errorBox.textContent = "";
    if (!this.app.send(frame)) {
      this.errorBox.textContent = t("err_offline");
      return;
    }
    this.hideClosed(false);
    this.sent = frame;
    this.waiting = true;
    this.errorBox.textContent = t("working");
  }

  // The plain warning before moving a chat to a closed service.
  askClosed(queueId) {
    const info = this.app.services.info(queueId);
    const name = info?.name || this.app.services.name(queueId);
    $("#transfer-closed-text").textContent = info?.hours_text
      ? t("transfer_closed_confirm", { name, hours: info.hours_text })
      : t("transfer_closed_confirm_nohours", { name });
    this.closedBox.hidden = false;
    this.errorBox.textContent = "";
    $("#transfer-closed-cancel").focus();
  }

  hideClosed(focusChoice) {
    const wasShown = !this.closedBox.hidden;
    this.closedBox.hidden = true;
    if (focusChoice && wasShown) (this.chosen() || this.options.querySelector("input"))?.focus();
  }

  // An error frame for our transfer to a service that closed meanwhile: ask to confirm.
  refused(frame) {
    const sent = this.sent;
    if (!sent?.queue || sent.confirm || frame.code !== "conflict" || frame.chat_id !== sent.chat_id
      || !this.dialog.open) return false;
    this.waiting = false;
    this.sent = null;
    this.askClosed(sent.queue);
    return true;
  }

  // chat.released for the chat being transferred: done.
  done(chatId, reason) {
    if (this.chat?.id === chatId && this.dialog.open) this.dialog.close();
    return reason;
  }

  error(chatId, text) {
    if (this.chat?.id !== chatId || !this.dialog.open) return;
    this.waiting = false;
    this.sent = null;
    this.errorBox.textContent = text;
  }
}
