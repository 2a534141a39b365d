// The language versions table: every topic × fi/sv/en as text (up to date, missing, out
// of date, the bot's own action), never colour alone. The topic's name opens the intent
// dialog; an out-of-date cell can be marked checked when the translation still says the same.

import { api, errorText } from "./api.js";
import { $, announce, formatDateTime, h, localeFor } from "./dom.js";
import { openIntent } from "./editor_intent.js";
import { lang, langName, onLangChange, t } from "./i18n.js";

const state = { data: null, onlyProblems: false, message: "", error: "" };

function when(iso) {
  return iso ? formatDateTime(iso, localeFor(lang())) : "";
}

function cell(row, code) {
  const value = row.cells[code];
  const text = value.status === "action"
    ? `${t("et_status_action")} (${row.action})` : t(`et_status_${value.status}`);
  const tag = value.status === "missing" || value.status === "stale"
    ? h("span", { class: "tag tag--priority", "aria-hidden": "true" }, "!") : null;
  return h("td", { dataset: { lang: code, status: value.status } },
    tag, h("span", {}, text),
    value.status === "stale" ? h("div", {},
      h("button", { type: "button", class: "link-button", onclick: () => checked(row, code),
        "aria-label": t("et_mark_checked_label", { intent: row.intent, lang: langName(code) }) },
      t("et_mark_checked"))) : null,
    value.changed && value.status !== "missing"
      ? h("div", { class: "hint" }, when(value.checked && value.checked > value.changed
        ? value.checked : value.changed)) : null);
}

function problems(row) {
  return Object.values(row.cells).some((c) => c.status === "missing" || c.status === "stale");
}

function render() {
  const section = $("#parity");
  const data = state.data;
  const rows = data ? data.items.filter((row) => !state.onlyProblems || problems(row)) : [];
  section.replaceChildren(
    h("h2", { id: "parity-title" }, t("et_parity_title")),
    h("p", { class: "hint" }, t("et_parity_hint")),
    h("div", { class: "row" },
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: "parity-only", checked: state.onlyProblems,
          onchange: (event) => { state.onlyProblems = event.target.checked; render(); } }),
        h("label", { for: "parity-only" }, t("et_parity_only_problems"))),
      h("button", { type: "button", class: "button", id: "parity-refresh", onclick: load },
        t("et_refresh"))),
    data ? h("p", { id: "parity-counts" }, t("et_parity_counts", data.counts)) : null,
    h("p", { class: "form__error", role: "alert" }, state.error),
    h("p", { class: "status-line", id: "parity-status", role: "status" }, state.message),
    data ? h("div", { class: "table-wrap" },
      h("table", { class: "table", id: "parity-table" },
        h("caption", { class: "sr-only" }, t("et_parity_title")),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, t("et_col_intent")),
          data.langs.map((code) => h("th", { scope: "col", lang: code }, langName(code))))),
        h("tbody", {}, rows.length ? rows.map((row) => h("tr", { dataset: { intent: row.intent } },
          h("th", { scope: "row" },
            h("button", { type: "button", class: "link-button", onclick: () => open(row.intent),
              "aria-label": `${t("ed_open")}: ${row.intent}` }, row.intent),
            row.safety ? h("span", { class: "tag tag--priority" }, " ", t("ed_safety")) : null),
          data.langs.map((code) => cell(row, code))))
          : h("tr", {}, h("td", { colspan: data.langs.length + 1 }, t("et_parity_none"))))))
      : null);
}

async function load() {
  try {
    state.data = await api("GET", "/api/v1/editor/parity");
    state.error = "";
  } catch (error) {
    state.error = errorText(error);
  }
  const focused = document.activeElement?.id;
  render();
  if (focused === "parity-refresh") $("#parity-refresh").focus();
}

function open(name) {
  openIntent(name, { changed: (text) => {
    state.message = text;
    load();
  } });
}

async function checked(row, code) {
  try {
    await api("POST", `/api/v1/editor/parity/${encodeURIComponent(row.intent)}/${code}/checked`,
      { revision: row.revision });
    state.message = t("et_checked_done", { intent: row.intent, lang: langName(code) });
    announce(state.message);
  } catch (error) {
    state.error = errorText(error);
  }
  await load();
  $(`#parity-table tr[data-intent="${row.intent}"] th button`)?.focus();
}

export function initParity(_me) {
  render();
  onLangChange(render);
  load();
  // The intent dialog changes answers: refresh when it closes.
  $("#intent-dialog")?.addEventListener("close", load);
}
