// Canned replies picker: a dialog with a search field (combobox) and a listbox. It opens
// with Ctrl+K or "/" in an empty composer, in the chat's language; arrows choose, Enter
// inserts the reply into the composer at the caret.

import { api, errorText } from "./api.js";
import { $, h, openDialog } from "./dom.js";
import { t } from "./i18n.js";

const DEBOUNCE_MS = 150;

export class CannedPicker {
  constructor(app) {
    this.app = app;
    this.dialog = $("#canned-dialog");
    this.search = $("#canned-search");
    this.langSelect = $("#canned-lang");
    this.list = $("#canned-list");
    this.status = $("#canned-status");
    this.items = [];
    this.index = -1;
    this.chat = null;
    this.request = 0;
    this.search.addEventListener("input", () => this.schedule());
    this.langSelect.addEventListener("change", () => this.load());
    this.search.addEventListener("keydown", (event) => this.key(event));
    $("#canned-insert").addEventListener("click", () => this.insert());
    $("#canned-form").addEventListener("submit", (event) => {
      if (event.submitter?.value !== "cancel") {
        event.preventDefault();
        this.insert();
      }
    });
  }

  open(chat) {
    if (!chat || chat.ended) return;
    this.chat = chat;
    this.search.value = "";
    this.langSelect.value = chat.lang;
    this.items = [];
    this.render();
    openDialog(this.dialog, this.search);
    this.load();
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), DEBOUNCE_MS);
  }

  async load() {
    const request = ++this.request;
    const params = new URLSearchParams({ lang: this.langSelect.value });
    const q = this.search.value.trim();
    if (q) params.set("q", q);
    try {
      const data = await api("GET", `/api/v1/staff/canned?${params}`);
      if (request !== this.request) return;
      this.items = data.items;
      this.index = this.items.length ? 0 : -1;
      this.render();
      this.status.textContent = this.items.length
        ? t("canned_count", { n: this.items.length })
        : t("canned_none");
    } catch (error) {
      if (request !== this.request) return;
      this.items = [];
      this.render();
      this.status.textContent = errorText(error);
    }
  }

  render() {
    this.list.replaceChildren(...this.items.map((item, i) => {
      const option = h("li", {
        role: "option", id: `canned-${i}`, class: "option", "aria-selected": String(i === this.index),
      }, h("span", { class: "option__title" }, item.title), h("span", { class: "option__text" }, item.text));
      option.addEventListener("click", () => {
        this.index = i;
        this.insert();
      });
      return option;
    }));
    if (this.index >= 0) {
      this.search.setAttribute("aria-activedescendant", `canned-${this.index}`);
      this.list.children[this.index]?.scrollIntoView({ block: "nearest" });
    } else this.search.removeAttribute("aria-activedescendant");
  }

  key(event) {
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves && this.items.length) {
      event.preventDefault();
      this.index = (this.index + moves[event.key] + this.items.length) % this.items.length;
      this.render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.insert();
    }
  }

  insert() {
    const item = this.items[this.index];
    if (!item || !this.chat) return;
    const view = this.chat.view;
    this.dialog.close();
    view.insertText(item.text);
    this.app.chats.composing(this.chat);
  }
}
