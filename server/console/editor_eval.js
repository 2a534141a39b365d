// The editor's evaluation section (#evaluate): train and evaluate the draft in the
// background beside the published version, the county's own test set, and the second
// editor's approval of safety changes. The publish form (editor.js) uses the approval state.

import { api, errorText } from "./api.js";
import { $, announce, formatDateTime, h, localeFor } from "./dom.js";
import { lang, onLangChange, t } from "./i18n.js";

const LANGS = ["fi", "sv", "en"];
const POLL_MS = 2000;
const state = { run: null, testset: null, approval: null, me: null, timer: 0 };
const listeners = [];

export function onApprovalChange(callback) {
  listeners.push(callback);
}

function pct(value) {
  if (value === null || value === undefined) return "–";
  return new Intl.NumberFormat(localeFor(lang()), { style: "percent", maximumFractionDigits: 1 })
    .format(value);
}

function diff(value) {
  if (value === null || value === undefined) return "–";
  const points = new Intl.NumberFormat(localeFor(lang()), { maximumFractionDigits: 1,
    signDisplay: "exceptZero" }).format(value * 100);
  return t("ev_points", { n: points });
}

function skeleton(section) {
  section.replaceChildren(
    h("h2", { id: "evaluate-title" }, t("ed_evaluate")),
    h("p", { class: "hint" }, t("ev_hint")),
    h("div", { class: "row" },
      h("button", { type: "button", class: "button button--primary", id: "evaluate-start",
        onclick: start }, t("ev_start"))),
    h("div", { id: "evaluate-progress", role: "status" }),
    h("div", { id: "evaluate-result" }),
    h("h3", { id: "testset-title" }, t("ev_testset")),
    h("p", { class: "hint", id: "testset-hint" }, t("ev_testset_hint")),
    h("p", { id: "testset-summary" }),
    h("form", { class: "row", id: "testset-form", novalidate: true, onsubmit: uploadTestset },
      h("div", { class: "field field--grow" },
        h("label", { for: "testset-file" }, t("ev_testset_file")),
        h("input", { id: "testset-file", type: "file",
          accept: ".tsv,.txt,text/tab-separated-values,text/plain",
          "aria-describedby": "testset-hint" })),
      h("div", { class: "field" },
        h("button", { type: "submit", class: "button" }, t("ev_upload")))),
    h("p", { class: "status-line", id: "testset-status", role: "status" }),
    h("h3", { id: "approval-title" }, t("ev_approval")),
    h("div", { id: "approval" }));
}

function progress(run) {
  const box = $("#evaluate-progress");
  if (!run) return box.replaceChildren(h("p", {}, t("ev_never")));
  const when = formatDateTime(run.finished_at || run.started_at, localeFor(lang()));
  if (run.state === "running") {
    return box.replaceChildren(
      h("label", { for: "evaluate-bar" }, t("ev_running", { by: run.started_by })),
      h("progress", { id: "evaluate-bar", max: String(run.total || 1), value: String(run.done) }),
      h("p", { class: "hint" }, t("ev_step", { done: run.done, total: run.total })));
  }
  const text = run.state === "done"
    ? t(run.matches_draft ? "ev_done" : "ev_done_old", { at: when, by: run.started_by })
    : t("ev_failed", { at: when });
  return box.replaceChildren(h("p", { class: run.state === "done" ? "" : "notice notice--error" },
    text));
}

function compareTable(result, comparison, version) {
  const c = result.candidate;
  const p = result.published;
  const row = (label, a, b, d) => h("tr", {}, h("th", { scope: "row" }, label),
    h("td", { class: "num" }, a), h("td", { class: "num" }, b), h("td", { class: "num" }, d));
  const rows = [
    row(t("ev_accuracy"), pct(c.accuracy), pct(p?.accuracy), diff(comparison?.accuracy)),
    row(t("ev_f1"), pct(c.macro_f1), pct(p?.macro_f1), diff(comparison?.macro_f1)),
    ...LANGS.map((code) => row(t("ev_safety", { lang: code.toUpperCase() }),
      pct(c.safety.by_lang[code]), pct(p?.safety.by_lang[code]), "")),
  ];
  if (c.testset) {
    rows.push(row(t("ev_testset_accuracy", { n: c.testset.n }), pct(c.testset.accuracy),
      pct(p?.testset?.accuracy), diff(comparison?.testset_accuracy)));
  }
  return h("div", { class: "table-wrap" }, h("table", { class: "table" },
    h("caption", {}, t("ev_compare_caption")),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("ev_measure")),
      h("th", { scope: "col" }, t("ev_draft")),
      h("th", { scope: "col" }, version ? t("ev_published", { version }) : t("ev_published_none")),
      h("th", { scope: "col" }, t("ev_difference")))),
    h("tbody", {}, rows)));
}

function intentTable(result) {
  const c = result.candidate.per_intent;
  const p = result.published?.per_intent || {};
  const names = Object.keys(c).sort((a, b) => c[a].recall - c[b].recall || a.localeCompare(b));
  return h("details", {}, h("summary", {}, t("ev_per_intent")),
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("caption", { class: "sr-only" }, t("ev_per_intent")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("ed_col_name")),
        h("th", { scope: "col" }, t("ev_precision")), h("th", { scope: "col" }, t("ev_recall")),
        h("th", { scope: "col" }, t("ev_recall_published")), h("th", { scope: "col" }, "n"))),
      h("tbody", {}, names.map((name) => h("tr", {}, h("th", { scope: "row" }, name),
        h("td", { class: "num" }, pct(c[name].precision)), h("td", { class: "num" }, pct(c[name].recall)),
        h("td", { class: "num" }, pct(p[name]?.recall)), h("td", { class: "num" }, c[name].n)))))));
}

function unrecognisedList(result) {
  const items = result.candidate.unrecognised || [];
  if (!items.length) return null;
  return [h("h3", {}, t("ev_unrecognised")), h("p", { class: "hint" }, t("ev_unrecognised_hint")),
    h("ul", { class: "report" }, items.map((item) =>
      h("li", {}, t("ev_unrecognised_item", { intent: item.intent, n: item.count }))))];
}

function confusedList(result) {
  const pairs = result.candidate.confused;
  if (!pairs.length) return h("p", {}, t("ev_no_confusion"));
  return [h("h3", {}, t("ev_confused")), h("ul", { class: "report" }, pairs.map((pair) =>
    h("li", {}, t("ev_confused_pair", { expected: pair.expected, predicted: pair.predicted,
      n: pair.count }))))];
}

function render() {
  progress(state.run);
  renderTestset();
  renderApproval();
  const box = $("#evaluate-result");
  const run = state.run;
  $("#evaluate-start").disabled = run?.state === "running";
  if (!run?.result) return box.replaceChildren();
  const worse = run.comparison?.worse;
  box.replaceChildren(...[
    worse ? h("p", { class: "notice notice--error" }, t("ev_worse")) : null,
    compareTable(run.result, run.comparison, run.published_version),
    intentTable(run.result), unrecognisedList(run.result), confusedList(run.result),
  ].flat().filter(Boolean));
}

function renderTestset() {
  const set = state.testset;
  const summary = $("#testset-summary");
  if (!set) return summary.replaceChildren(t("ev_testset_none"));
  return summary.replaceChildren(t("ev_testset_rows", { n: set.rows, fi: set.by_lang.fi,
    sv: set.by_lang.sv, en: set.by_lang.en, by: set.uploaded_by }), " ",
  h("button", { type: "button", class: "button", onclick: removeTestset }, t("ev_testset_remove")));
}

function renderApproval() {
  const a = state.approval;
  const box = $("#approval");
  if (!a) return box.replaceChildren();
  if (!a.needed) return box.replaceChildren(h("p", {}, t("ev_approval_none")));
  const mine = a.approved_by.includes(state.me?.username);
  return box.replaceChildren(
    h("p", {}, t("ev_approval_needed", { intents: a.safety_intents.join(", ") })),
    h("p", {}, a.approved_by.length ? t("ev_approved_by", { names: a.approved_by.join(", ") })
      : t("ev_approved_nobody")),
    mine ? null : h("button", { type: "button", class: "button", id: "approve-button",
      onclick: approve }, t("ev_approve")));
}

async function refresh() {
  clearTimeout(state.timer);
  try {
    const [latest, testset, approval] = await Promise.all([
      api("GET", "/api/v1/editor/evaluations/latest"), api("GET", "/api/v1/editor/testset"),
      api("GET", "/api/v1/editor/approval")]);
    const wasRunning = state.run?.state === "running";
    state.run = latest.evaluation;
    state.testset = testset.testset;
    state.approval = approval;
    render();
    for (const callback of listeners) callback(approval);
    if (wasRunning && state.run?.state !== "running") announce($("#evaluate-progress").textContent);
  } catch (error) {
    $("#evaluate-progress").replaceChildren(h("p", { class: "notice notice--error" }, errorText(error)));
  }
  if (state.run?.state === "running") state.timer = setTimeout(refresh, POLL_MS);
}

async function start() {
  try {
    state.run = await api("POST", "/api/v1/editor/evaluations");
    announce(t("ev_started"));
  } catch (error) {
    announce(errorText(error));
  }
  await refresh();
}

async function uploadTestset(event) {
  event.preventDefault();
  const file = $("#testset-file").files[0];
  const status = $("#testset-status");
  if (!file) {
    status.textContent = t("ev_testset_pick");
    return;
  }
  try {
    await api("PUT", "/api/v1/editor/testset", undefined, { raw: file, type: "text/plain" });
    status.textContent = t("ev_testset_saved");
  } catch (error) {
    status.textContent = error.code === "invalid_frame"
      ? t("ev_testset_refused", { detail: error.detail }) : errorText(error);
  }
  announce(status.textContent);
  await refresh();
}

async function removeTestset() {
  await api("DELETE", "/api/v1/editor/testset");
  $("#testset-status").textContent = t("ev_testset_removed");
  await refresh();
}

async function approve() {
  try {
    await api("POST", "/api/v1/editor/approval", { digest: state.approval.digest });
    announce(t("ev_approved"));
  } catch (error) {
    announce(error.code === "conflict" ? t("ev_approval_stale") : errorText(error));
  }
  await refresh();
}

export function refreshEvaluation() {
  return refresh();
}

export function initEvaluation(me) {
  state.me = me;
  skeleton($("#evaluate"));
  onLangChange(() => { skeleton($("#evaluate")); render(); });
  refresh();
}
