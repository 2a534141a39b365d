// The weekly digest (printable): last week against the week before in percentage points,
// feedback, chat volume beside phone calls per day. Uses the same suppressed API as the
// statistics page; no charts, so it prints the same as it shows.

import { api, errorText } from "./api.js";
import { $, h } from "./dom.js";
import { lang, onLangChange, t } from "./i18n.js";
import { pageAlert, startPage } from "./pageshell.js";
import { day, num, pct, points, seconds } from "./stats_format.js";

const state = { weekly: null, report: null, definitions: null };

function table(caption, head, rows) {
  return h("div", { class: "table-wrap" }, h("table", { class: "table" }, h("caption", {}, caption),
    h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))), h("tbody", {}, rows)));
}

function render() {
  const { weekly, report, definitions } = state;
  if (!weekly) return;
  const { last, previous, change } = weekly;
  $("#digest-week").textContent = t("digest_week", { from: day(last.from), to: day(last.to),
    pfrom: day(previous.from), pto: day(previous.to) });
  $("#digest-legend").textContent = definitions.suppression[lang()];
  const row = (key, get, fmt, diff = points) => h("tr", {}, h("th", { scope: "row" }, t(`stats_m_${key}`)),
    h("td", { class: "num" }, fmt(get(last))), h("td", { class: "num" }, fmt(get(previous))),
    h("td", { class: "num" }, diff(change[key])));
  const signed = (v) => (typeof v === "number" && v > 0 ? `+${num(v)}` : num(v));
  const changes = table(t("digest_changes"), [t("stats_metric"), day(last.from), day(previous.from),
    t("stats_change")], [
    row("chats", (w) => w.chats, num, signed), row("calls", (w) => w.calls, num, signed),
    row("containment_pct", (w) => w.containment_pct, pct), row("handoff_pct", (w) => w.handoff_pct, pct),
    row("abandoned_pct", (w) => w.abandoned_pct, pct),
    row("first_contact_pct", (w) => w.first_contact_pct, pct),
    row("wait_p50", (w) => w.wait.p50, seconds, (v) => (typeof v === "number" ? `${v > 0 ? "+" : ""}${seconds(v)}` : num(v))),
  ]);
  const fb = last.feedback;
  const feedback = table(t("digest_feedback"), [t("stats_metric"), day(last.from)], [
    ["stats_m_responses", num(fb.responses)], ["stats_m_mean", num(fb.mean, 2)],
    ["stats_m_csat_pct", `${pct(fb.csat_pct)} (${points(change.csat_pct)})`],
    ["stats_m_response_rate_pct", `${pct(fb.response_rate_pct)} (${points(change.response_rate_pct)})`],
    ...["1", "2", "3", "4", "5"].map((s) => [`${t("stats_score")} ${s}`, num(fb.scores[s])]),
  ].map(([key, value]) => h("tr", {}, h("th", { scope: "row" }, t(key, {}, key)), h("td", { class: "num" }, value))));
  const volume = table(t("digest_volume"), [t("stats_day"), t("stats_chats"), t("stats_calls")],
    report.days.map((d) => h("tr", {}, h("th", { scope: "row" }, day(d.day)),
      h("td", { class: "num" }, num(d.chats)), h("td", { class: "num" }, num(d.calls)))));
  $("#digest-body").replaceChildren(
    h("p", { class: "definition" }, definitions.weekly[lang()]), changes,
    h("p", { class: "definition" }, definitions.feedback[lang()]), feedback, volume,
    h("p", { class: "hint" }, t("digest_unrecognised")));
}

async function main() {
  try {
    await startPage();
  } catch {
    return;
  }
  $("#print").addEventListener("click", () => window.print());
  onLangChange(render);
  try {
    state.definitions = await api("GET", "/api/v1/stats/definitions");
    state.weekly = await api("GET", "/api/v1/stats/weekly");
    const { from, to } = state.weekly.last;
    state.report = await api("GET", `/api/v1/stats/days?from=${from}&to=${to}`);
    render();
    document.body.dataset.ready = "1";
  } catch (error) {
    pageAlert(errorText(error, "stats"));
  }
}

main();
