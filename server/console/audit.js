// The audit log for admins: filters (username, chat), paged newest first with
// next_before_id ("older" follows it, "newest" starts over).

import { api, errorText } from "./api.js";
import { $, formatDateTime, h, localeFor } from "./dom.js";
import { lang, onLangChange, t } from "./i18n.js";
import { pageAlert, startPage } from "./pageshell.js";

const state = { items: [], pages: [], before: null, next: null };

async function load(before) {
  const params = new URLSearchParams({ limit: $("#audit-limit").value });
  const username = $("#audit-username").value.trim();
  const chat = $("#audit-chat").value.trim();
  if (username) params.set("username", username);
  if (chat) params.set("chat_id", chat);
  if (before) params.set("before_id", String(before));
  try {
    const data = await api("GET", `/api/v1/admin/audit?${params}`);
    state.items = data.items;
    state.before = before;
    state.next = data.next_before_id;
    pageAlert("");
    render();
  } catch (error) {
    pageAlert(errorText(error));
  }
}

function render() {
  const locale = localeFor(lang());
  $("#audit-rows").replaceChildren(...state.items.map((item) => h("tr", {},
    h("td", {}, formatDateTime(item.at, locale)), h("td", {}, item.username || "–"),
    h("td", {}, t(`audit_${item.action}`, {}, item.action)), h("td", {}, item.chat_id || "–"),
    h("td", {}, item.detail || ""))));
  const page = state.pages.length + 1;
  $("#audit-status").textContent = state.items.length
    ? t("audit_page", { page, n: state.items.length }) : t("audit_none");
  $("#audit-older").disabled = !state.next;
  $("#audit-newest").disabled = !state.before;
}

async function main() {
  try {
    await startPage();
  } catch {
    return;
  }
  onLangChange(render);
  $("#audit-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    state.pages = [];
    load(null);
  });
  $("#audit-older").addEventListener("click", () => {
    state.pages.push(state.before);
    load(state.next);
  });
  $("#audit-newest").addEventListener("click", () => {
    state.pages = [];
    load(null);
  });
  load(null);
}

main();
