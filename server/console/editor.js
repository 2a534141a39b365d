// The content editor page (/console/editor, roles editor and admin): the intent list,
// creating intents, the validation report, publishing, versions with rollback, and the
// Rasa zip export and import. Editing one intent is in editor_intent.js.

import { api, errorText } from "./api.js";
import { $, announce, formatDateTime, h, localeFor } from "./dom.js";
import { initEvaluation, refreshEvaluation } from "./editor_eval.js";
import { initFacts } from "./editor_facts.js";
import { initInbox } from "./editor_inbox.js";
import { openIntent } from "./editor_intent.js";
import { initParity } from "./editor_parity.js";
import { initPreview } from "./editor_preview.js";
import { lang, onLangChange, t } from "./i18n.js";
import { confirmAction, pageAlert, startPage } from "./pageshell.js";

const LANGS = ["fi", "sv", "en"];
const state = { intents: [], versions: null, report: null, accuracy: null };

function status(text) {
  $("#page-status").textContent = text;
  if (text) announce(text);
}

function changed(change) {
  if (!change) return t("ed_never");
  return t("ed_changed_by", { at: formatDateTime(change.at, localeFor(lang())), by: change.by });
}

function renderIntents() {
  const rows = state.intents.map((item) => {
    const missing = LANGS.filter((code) => !item.responses[code]);
    return h("tr", { dataset: { intent: item.name } },
      h("th", { scope: "row" },
        h("button", { type: "button", class: "link-button", onclick: () => edit(item.name),
          "aria-label": `${t("ed_open")}: ${item.name}` }, item.name),
        item.safety ? h("span", { class: "tag tag--priority" }, " ", t("ed_safety")) : null),
      h("td", { class: "num" }, LANGS.map((code) => item.examples[code]).join(" / ")),
      h("td", {}, missing.length === LANGS.length && item.actions.length
        ? t("ed_by_action", { action: item.actions.join(", ") })
        : missing.length ? t("ed_missing", { langs: missing.join(", ") }) : t("ed_all_answers")),
      h("td", { class: "num" }, accuracy(item.name)),
      h("td", {}, changed(item.last_change)));
  });
  $("#intent-rows").replaceChildren(...(rows.length ? rows
    : [h("tr", {}, h("td", { colspan: 5 }, t("ed_no_intents")))]));
}

// The intent's recall in the newest evaluation (marked when the draft changed since).
function accuracy(name) {
  const value = state.accuracy?.intents[name];
  if (value === undefined) return "–";
  const text = new Intl.NumberFormat(localeFor(lang()), { style: "percent",
    maximumFractionDigits: 0 }).format(value);
  return state.accuracy.matches_draft ? text : t("ed_accuracy_old", { value: text });
}

async function loadIntents() {
  try {
    const [list, scores] = await Promise.all([api("GET", "/api/v1/editor/intents"),
      api("GET", "/api/v1/editor/accuracy")]);
    state.intents = list.items;
    state.accuracy = scores;
    pageAlert("");
    renderIntents();
  } catch (error) {
    pageAlert(errorText(error));
  }
}

function edit(name) {
  openIntent(name, { changed: (text) => { status(text); loadIntents(); } });
}

function reportText(item) {
  return t(`ed_r_${item.code}`, { ...item.params, intent: item.intent ?? "", message: item.message });
}

function renderReport() {
  const report = state.report;
  if (!report) return;
  $("#report-status").textContent = report.errors
    ? t("ed_report_errors", { errors: report.errors, warnings: report.warnings })
    : t("ed_report_ok", { n: report.warnings });
  const order = (item) => (item.severity === "error" ? 0 : 1);
  const items = [...report.items].sort((a, b) => order(a) - order(b));
  $("#report-items").replaceChildren(...items.map((item) => h("li",
    { class: `report__item report__item--${item.severity}` },
    h("strong", {}, item.severity === "error" ? t("ed_error") : t("ed_warning"), ": "),
    reportText(item),
    item.intent ? [" ", h("button", { type: "button", class: "link-button",
      onclick: () => edit(item.intent) }, t("ed_open"), " ", item.intent)] : null)));
}

async function runReport() {
  $("#report-status").textContent = "…";
  try {
    state.report = await api("GET", "/api/v1/editor/report");
    renderReport();
    announce($("#report-status").textContent);
  } catch (error) {
    $("#report-status").textContent = errorText(error);
  }
}

function confirmText(reasons) {
  return [t("ev_confirm_title"), ...reasons.map((reason) => (reason.code === "worse"
    ? t("ev_confirm_worse", { version: reason.params.version })
    : t("ev_confirm_safety_recall")))].join(" ");
}

async function publish(event) {
  event.preventDefault();
  const button = $("#publish-button");
  button.disabled = true;
  $("#publish-status").textContent = t("ed_publishing");
  const note = $("#publish-note").value.trim();
  let text = "";
  try {
    let result;
    try {
      result = await api("POST", "/api/v1/editor/publish", { note });
    } catch (error) {
      if (error.code !== "confirmation_required") throw error;
      if (!await confirmAction(confirmText(error.data.reasons), t("ev_confirm_yes"))) {
        $("#publish-status").textContent = "";
        return;
      }
      $("#publish-status").textContent = t("ed_publishing");
      result = await api("POST", "/api/v1/editor/publish", { note, confirm: true });
    }
    $("#publish-note").value = "";
    text = result.evaluated ? t("ed_published", { version: result.version })
      : t("ev_not_evaluated", { version: result.version });
    await Promise.all([loadVersions(), refreshEvaluation()]);
  } catch (error) {
    text = errorText(error);
    if (error.data?.report) {
      state.report = error.data.report;
      renderReport();
      text = t("ed_publish_refused", { n: error.data.report.errors });
    } else if (error.code === "approval_required") {
      text = t("ev_needs_approval", { intents: (error.data.safety_intents || []).join(", ") });
      await refreshEvaluation();
    } else if (String(error.detail).startsWith("nothing to publish")) text = t("ed_nothing");
  } finally {
    button.disabled = false;
  }
  $("#publish-status").textContent = text;
  if (text) announce(text);
}

function versionActions(item) {
  const number = item.version;
  return h("td", { class: "actions" },
    number === state.versions.published ? null : h("button", { type: "button", class: "button",
      onclick: () => rollback(number) }, t("ed_rollback")),
    h("button", { type: "button", class: "button", onclick: () => toDraft(number) }, t("ed_to_draft")),
    h("a", { class: "button", href: `/api/v1/editor/versions/${number}/export.zip`,
      download: `neuvo-bot-v${number}.zip` }, t("ed_export")));
}

function renderVersions() {
  const data = state.versions;
  if (!data) return;
  const locale = localeFor(lang());
  $("#live-status").textContent = t("ed_live", { version: data.live_here ?? data.published });
  $("#version-rows").replaceChildren(...data.items.map((item) => h("tr", {},
    h("th", { scope: "row", class: "num" }, String(item.version)),
    h("td", {}, formatDateTime(item.created_at, locale)),
    h("td", {}, item.created_by),
    h("td", {}, item.note || "", item.restored_from ? ` (${t("ed_restored", { n: item.restored_from })})` : "",
      item.changes.length ? h("ul", { class: "changes" }, item.changes.slice(0, 12).map((c) =>
        h("li", {}, `${c.intent}: ${c.summary}`))) : null),
    versionActions(item))));
}

async function loadVersions() {
  try {
    state.versions = await api("GET", "/api/v1/editor/versions");
    renderVersions();
  } catch (error) {
    pageAlert(errorText(error));
  }
}

async function rollback(version) {
  if (!await confirmAction(t("ed_rollback_confirm", { version }), t("ed_rollback"))) return;
  try {
    const result = await api("POST", `/api/v1/editor/versions/${version}/rollback`, { note: "" });
    status(t("ed_rolled_back", { from: version, version: result.version }));
    await loadVersions();
  } catch (error) {
    pageAlert(errorText(error));
  }
}

async function toDraft(version) {
  if (!await confirmAction(t("ed_to_draft_confirm", { version }), t("ed_to_draft"))) return;
  try {
    await api("POST", `/api/v1/editor/versions/${version}/draft`);
    status(t("ed_to_draft_done", { version }));
    await loadIntents();
  } catch (error) {
    pageAlert(errorText(error));
  }
}

async function importZip(event) {
  event.preventDefault();
  const file = $("#import-file").files[0];
  if (!file) return;
  try {
    const result = await api("POST", "/api/v1/editor/import", undefined,
      { raw: file, type: "application/zip" });
    status(t("ed_import_done", { n: result.intents, ignored: result.ignored.join("; ") || "–" }));
    pageAlert("");
    await loadIntents();
  } catch (error) {
    const problems = error.data?.problems;
    pageAlert(problems?.length ? t("ed_import_refused", { problems: problems.slice(0, 5).join("; ") })
      : errorText(error));
  }
}

async function createIntent(event) {
  event.preventDefault();
  const input = $("#new-intent-name");
  const name = input.value.trim();
  if (!name) return;
  try {
    await api("POST", "/api/v1/editor/intents", { name });
    input.value = "";
    status(t("ed_created", { name }));
    await loadIntents();
    edit(name);
  } catch (error) {
    pageAlert(errorText(error));
    input.focus();
  }
}

async function searchIntents(event) {
  event.preventDefault();
  const q = $("#intent-search-q").value.trim();
  if (!q) return;
  try {
    const found = await api("GET", `/api/v1/editor/search?q=${encodeURIComponent(q)}`);
    $("#search-status").textContent = t("ed_search_found", { n: found.total });
    $("#search-results").replaceChildren(...found.items.map((item) => h("li", {},
      h("button", { type: "button", class: "link-button", onclick: () => edit(item.intent) },
        item.intent), ` (${item.lang}, ${t(item.kind === "example" ? "ed_search_example"
        : "ed_search_answer")}): `, item.text)));
  } catch (error) {
    $("#search-status").textContent = errorText(error);
  }
  announce($("#search-status").textContent);
}

async function main() {
  let me;
  try {
    me = await startPage();
  } catch {
    return;
  }
  $("#link-console").hidden = !me.roles.some((r) => ["staff", "supervisor", "admin"].includes(r));
  onLangChange(() => { renderIntents(); renderReport(); renderVersions(); });
  $("#new-intent").addEventListener("submit", createIntent);
  $("#intent-search").addEventListener("submit", searchIntents);
  $("#run-report").addEventListener("click", runReport);
  $("#publish-form").addEventListener("submit", publish);
  $("#import-form").addEventListener("submit", importZip);
  for (const init of [initEvaluation, initParity, initFacts, initInbox, initPreview]) init(me);
  await Promise.all([loadIntents(), loadVersions()]);
}

main();
