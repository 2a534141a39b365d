// Transfer a chat to an on-duty colleague (languages and load shown) or back to the
// queue, with an internal note the resident never sees.

import { api, errorText } from "./api.js";
import { $, h, openDialog } from "./dom.js";
import { langName, t } from "./i18n.js";

export class TransferDialog {
  constructor(app) {
    this.app = app;
    this.dialog = $("#transfer-dialog");
    this.options = $("#transfer-options");
    this.errorBox = $("#transfer-error");
    this.chat = null;
    this.waiting = false;
    $("#transfer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.dialog.addEventListener("close", () => {
      this.chat = null;
      this.waiting = false;
    });
  }

  async open(chat) {
    if (!chat || chat.ended) return;
    this.chat = chat;
    this.waiting = false;
    $("#transfer-note").value = "";
    this.errorBox.textContent = "";
    this.options.replaceChildren(this.option("queue", t("transfer_queue"), "", false));
    openDialog(this.dialog, this.options.querySelector("input"));
    this.options.querySelector("input").checked = true;
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

  option(value, name, detail, disabled) {
    const id = `transfer-to-${value.replace(/[^a-z0-9_-]/gi, "_")}`;
    return h("div", { class: "check check--option" },
      h("input", { type: "radio", name: "transfer-to", id, value, disabled }),
      h("label", { for: id }, h("span", { class: "option__title" }, name),
        detail ? h("span", { class: "option__text" }, detail) : ""));
  }

  submit() {
    if (!this.chat || this.waiting) return;
    const chosen = this.options.querySelector("input:checked");
    if (!chosen) {
      this.errorBox.textContent = t("transfer_choose");
      return;
    }
    const note = $("#transfer-note").value.trim();
    const frame = { type: "chat.transfer", chat_id: this.chat.id, to: chosen.value };
    if (note) frame.note = note;
    this.errorBox.textContent = "";
    if (!this.app.send(frame)) {
      this.errorBox.textContent = t("err_offline");
      return;
    }
    this.waiting = true;
    this.errorBox.textContent = t("working");
  }

  // chat.released for the chat being transferred: done.
  done(chatId, reason) {
    if (this.chat?.id === chatId && this.dialog.open) this.dialog.close();
    return reason;
  }

  error(chatId, text) {
    if (this.chat?.id !== chatId || !this.dialog.open) return;
    this.waiting = false;
    this.errorBox.textContent = text;
  }
}
