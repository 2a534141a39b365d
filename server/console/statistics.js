// The statistics page for supervisors: filters, the weekly follow-up, charts with their data
// tables (stats_render.js), CSV links, click-through to the anonymised conversations behind a
// cell, and the phone-call upload. Everything shown comes suppressed from /api/v1/stats.

import { api, errorText } from "./api.js";
import { $, announce, h, openDialog } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { pageAlert, startPage } from "./pageshell.js";
import { destroyCharts } from "./stats_charts.js";
import { day, num, valueLabel } from "./stats_format.js";
import { renderAll } from "./stats_render.js";

const state = { report: null, weekly: null, definitions: null, cell: null, offset: 0 };

function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

function filterParams() {
  const params = new URLSearchParams({ from: $("#f-from").value, to: $("#f-to").value });
  if ($("#f-lang").value) params.set("lang", $("#f-lang").value);
  const municipality = $("#f-municipality").value.trim();
  if (municipality) params.set("municipality", municipality);
  return params;
}

function csvUrl(name) {
  const params = filterParams();
  params.set("sep", $("#f-sep").value);
  return `/api/v1/stats/${name}.csv?${params}`;
}

function definitionOf(key) {
  return h("p", { class: "definition" }, state.definitions[key][document.documentElement.lang]);
}

async function load() {
  $("#stats-status").textContent = t("stats_loading");
  try {
    const params = filterParams();
    const [report, weekly] = await Promise.all([
      api("GET", `/api/v1/stats?${params}`), api("GET", `/api/v1/stats/weekly?${params}`)]);
    state.report = report;
    state.weekly = weekly;
    pageAlert("");
    render();
    announce(t("stats_loaded"));
  } catch (error) {
    $("#stats-status").textContent = "";
    pageAlert(errorText(error, "stats"));
  }
}

function render() {
  if (!state.report) return;
  destroyCharts();
  const ctx = { definitions: state.definitions, open: openCell, csvUrl, definitionOf };
  renderAll($("#stats-sections"), ctx, state.report, state.weekly);
  const f = state.report.filter;
  $("#stats-status").textContent = t("stats_range", { from: day(f.from), to: day(f.to) });
  $("#stats-legend").textContent = state.definitions.suppression[document.documentElement.lang];
  $("#stats-sections").append(h("p", {}, h("a", { class: "button", href: csvUrl("conversations"),
    download: "" }, t("stats_csv_conversations"))));
}

async function openCell(params, title) {
  state.cell = { params, title };
  state.offset = 0;
  $("#cell-title").textContent = `${t("stats_conversations")}: ${title}`;
  $("#cell-list").replaceChildren();
  $("#cell-transcript").replaceChildren();
  openDialog($("#cell-dialog"), $("#cell-dialog [data-close]"));
  await loadCell();
}

async function loadCell() {
  const params = filterParams();
  for (const [key, value] of Object.entries(state.cell.params)) params.set(key, String(value));
  params.set("offset", String(state.offset));
  try {
    const data = await api("GET", `/api/v1/stats/conversations?${params}`);
    const shown = Math.min(data.total, data.offset + data.items.length);
    $("#cell-status").textContent = t("stats_cell_count", { n: num(data.total), shown: num(shown) });
    const rows = data.items.map((item) => h("tr", {},
      h("td", {}, new Date(item.started).toLocaleString(document.documentElement.lang)),
      h("td", {}, valueLabel("handled_by", item.handled_by)),
      h("td", {}, valueLabel("topic", item.topic || "none")),
      h("td", {}, item.outcome ? valueLabel("outcome", item.outcome) : "–"),
      h("td", {}, h("button", { type: "button", class: "button",
        onclick: () => openConversation(item.chat_id) }, t("stats_open")))));
    const body = $("#cell-list tbody");
    if (body && state.offset > 0) body.append(...rows);
    else {
      $("#cell-list").replaceChildren(h("table", { class: "table" },
        h("caption", { class: "sr-only" }, t("stats_conversations")),
        h("thead", {}, h("tr", {}, [t("stats_started"), t("stats_handled_by"), t("stats_col_topic"),
          t("stats_col_outcome"), t("stats_open")].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, rows)));
    }
    $("#cell-more").hidden = shown >= data.total;
  } catch (error) {
    $("#cell-status").textContent = errorText(error, "stats");
    $("#cell-more").hidden = true;
  }
}

async function openConversation(chatId) {
  try {
    const data = await api("GET", `/api/v1/stats/conversations/${encodeURIComponent(chatId)}`);
    const items = data.items.map((m) => h("li", { class: `stats-turn stats-turn--${m.author}` },
      h("span", { class: "stats-turn__author" }, t(`stats_author_${m.author}`, {}, m.author)),
      " ", m.text, m.intent ? h("span", { class: "hint" }, ` (${valueLabel("topic", m.intent)})`) : null));
    const heading = h("h3", { tabindex: "-1" }, t("stats_transcript"));
    $("#cell-transcript").replaceChildren(heading,
      items.length ? h("ol", { class: "stats-transcript" }, items) : h("p", {}, t("stats_no_messages")));
    heading.focus();
  } catch (error) {
    $("#cell-transcript").replaceChildren(h("p", { role: "alert" }, errorText(error, "stats")));
  }
}

async function upload(event) {
  event.preventDefault();
  const file = $("#phone-file").files[0];
  const status = $("#phone-status");
  if (!file) {
    status.textContent = t("stats_phone_choose");
    return;
  }
  const me = await api("GET", "/api/v1/staff/me");
  const response = await fetch("/api/v1/stats/phone-calls", {
    method: "POST", credentials: "same-origin", body: await file.arrayBuffer(),
    headers: { "content-type": "text/csv", "x-csrf-token": me.csrf_token, accept: "application/json" },
  });
  const data = await response.json().catch(() => ({}));
  if (response.ok) {
    status.textContent = t("stats_phone_done", { days: num(data.days), from: day(data.from), to: day(data.to) });
    load();
  } else {
    status.textContent = `${t("stats_phone_bad")} ${data.message || ""}`;
  }
}

async function main() {
  try {
    await startPage();
  } catch {
    return;
  }
  const today = new Date();
  $("#f-to").value = isoDay(today);
  $("#f-from").value = isoDay(new Date(today.getTime() - 27 * 86400000));
  state.definitions = await api("GET", "/api/v1/stats/definitions");
  onLangChange(render);
  $("#stats-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  $("#cell-more").addEventListener("click", () => {
    state.offset += 50;
    loadCell();
  });
  $("#phone-form").addEventListener("submit", upload);
  await load();
  document.body.dataset.ready = "1";
}

main();
