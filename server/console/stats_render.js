// The statistics sections: heading, the metric's definition (from the API, one place),
// a chart, and the data table with click-through buttons and a CSV link.

import { h } from "./dom.js";
import { lang, t } from "./i18n.js";
import { barChart, doughnutChart, lineChart } from "./stats_charts.js";
import { day, num, pct, plot, points, seconds, valueLabel, weekday } from "./stats_format.js";

// A count cell: a button to the conversations behind it when there are five or more.
function countCell(value, open, params, title) {
  if (typeof value !== "number" || value < 5 || !open) return h("td", { class: "num" }, num(value));
  return h("td", { class: "num" }, h("button", {
    type: "button", class: "link-button", "aria-label": `${num(value)}: ${title}`,
    onclick: () => open(params, title),
  }, num(value)));
}

// The caption is read by screen readers; it is shown only when it says more than the heading.
function table(captionKey, head, rows, { visible = false } = {}) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t(captionKey) },
    h("table", { class: "table" }, h("caption", { class: visible ? null : "sr-only" }, t(captionKey)),
      h("thead", {}, h("tr", {}, head.map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows)));
}

function section(id, titleKey, definitionKey, ctx, csv) {
  const links = (csv || []).map((name) => h("a", {
    class: "button", href: ctx.csvUrl(name), download: "",
  }, t("stats_csv", { name: t(`stats_table_${name}`) })));
  return h("section", { class: "stats-section", id: `s-${id}`, "aria-labelledby": `h-${id}` },
    h("h2", { id: `h-${id}` }, t(titleKey)),
    definitionKey ? h("p", { class: "definition" }, ctx.definitions[definitionKey][lang()]) : null,
    links.length ? h("p", { class: "row" }, links) : null);
}

function weeklySection(ctx, weekly) {
  const box = section("weekly", "stats_weekly", "weekly", ctx, ["weekly"]);
  const { last, previous, change } = weekly;
  const row = (key, value, fmt, diff = points) => h("tr", {},
    h("th", { scope: "row" }, t(`stats_m_${key}`)), h("td", { class: "num" }, fmt(value(last))),
    h("td", { class: "num" }, fmt(value(previous))), h("td", { class: "num" }, diff(change[key])));
  const count = (v) => num(v);
  const signed = (v) => (typeof v === "number" && v > 0 ? `+${num(v)}` : num(v));
  box.append(table("stats_weekly", [t("stats_metric"), `${day(last.from)} – ${day(last.to)}`,
    `${day(previous.from)} – ${day(previous.to)}`, t("stats_change")], [
    row("chats", (w) => w.chats, count, signed),
    row("containment_pct", (w) => w.containment_pct, pct),
    row("handoff_pct", (w) => w.handoff_pct, pct),
    row("abandoned_pct", (w) => w.abandoned_pct, pct),
    row("first_contact_pct", (w) => w.first_contact_pct, pct),
    row("csat_pct", (w) => w.feedback.csat_pct, pct),
    row("response_rate_pct", (w) => w.feedback.response_rate_pct, pct),
    row("wait_p50", (w) => w.wait.p50, seconds, (v) => (typeof v === "number" ? `${v > 0 ? "+" : ""}${seconds(v)}` : num(v))),
    row("calls", (w) => w.calls, count, signed),
  ]));
  return box;
}

function summarySection(ctx, s) {
  const box = section("summary", "stats_summary", "containment", ctx, ["summary"]);
  const items = [
    ["stats_m_chats", num(s.chats)], ["stats_m_containment_pct", pct(s.containment_pct)],
    ["stats_m_handoff_pct", pct(s.handoff_pct)], ["stats_m_abandoned_pct", pct(s.abandoned_pct)],
    ["stats_m_first_contact_pct", pct(s.first_contact_pct)],
    ["stats_m_wait_p50", seconds(s.wait.p50)], ["stats_m_wait_p90", seconds(s.wait.p90)],
    ["stats_m_csat_pct", pct(s.feedback.csat_pct)],
    ["stats_m_response_rate_pct", pct(s.feedback.response_rate_pct)],
  ];
  box.append(h("dl", { class: "stats" }, items.map(([key, value]) =>
    h("div", { class: "stat" }, h("dt", {}, t(key)), h("dd", {}, value)))));
  doughnutChart(box, "stats_handled_chart",
    ["bot", "staff", "abandoned_queue"].map((k) => t(`stats_${k}`)),
    [plot(s.bot), plot(s.staff), plot(s.abandoned_queue)]);
  box.append(table("stats_handled_chart", [t("stats_handled_by"), t("stats_chats"), t("stats_share")],
    ["bot", "staff", "abandoned_queue"].map((k) => h("tr", {},
      h("th", { scope: "row" }, t(`stats_${k}`)),
      countCell(s[k], ctx.open, { handled_by: k }, t(`stats_${k}`)),
      h("td", { class: "num" }, pct({ bot: s.containment_pct, staff: s.staff_pct,
        abandoned_queue: s.abandoned_pct }[k])))), { visible: true }));
  return box;
}

function daysSection(ctx, rows) {
  const box = section("days", "stats_days", "chats_per_day", ctx, ["days"]);
  const labels = rows.map((r) => day(r.day));
  const hasCalls = rows.some((r) => typeof r.calls === "number");
  barChart(box, "stats_days", labels, [
    { label: t("stats_bot"), data: rows.map((r) => plot(r.bot)) },
    { label: t("stats_staff"), data: rows.map((r) => plot(r.staff)) },
    { label: t("stats_abandoned_queue"), data: rows.map((r) => plot(r.abandoned_queue)) },
    { label: t("stats_total"), data: rows.map((r) => plot(r.chats)), line: true },
    ...(hasCalls ? [{ label: t("stats_calls"), data: rows.map((r) => plot(r.calls)), line: true }] : []),
  ], { stacked: true });
  box.append(ctx.definitionOf("phone"));
  box.append(table("stats_days", [t("stats_day"), t("stats_chats"), t("stats_bot"),
    t("stats_staff"), t("stats_abandoned_queue"), t("stats_m_containment_pct"),
    t("stats_m_handoff_pct"), t("stats_calls")], rows.map((r) => h("tr", {},
    h("th", { scope: "row" }, day(r.day)),
    countCell(r.chats, ctx.open, { day: r.day }, day(r.day)),
    countCell(r.bot, ctx.open, { day: r.day, handled_by: "bot" }, `${day(r.day)}, ${t("stats_bot")}`),
    countCell(r.staff, ctx.open, { day: r.day, handled_by: "staff" }, `${day(r.day)}, ${t("stats_staff")}`),
    countCell(r.abandoned_queue, ctx.open, { day: r.day, handled_by: "abandoned_queue" },
      `${day(r.day)}, ${t("stats_abandoned_queue")}`),
    h("td", { class: "num" }, pct(r.containment_pct)), h("td", { class: "num" }, pct(r.handoff_pct)),
    h("td", { class: "num" }, num(r.calls))))));
  return box;
}

function waitSection(ctx, rows) {
  const box = section("wait", "stats_wait", "wait", ctx, ["days"]);
  lineChart(box, "stats_wait", rows.map((r) => day(r.day)), [
    { label: "p50", data: rows.map((r) => plot(r.wait_p50)) },
    { label: "p90", data: rows.map((r) => plot(r.wait_p90)) }]);
  box.append(table("stats_wait", [t("stats_day"), "p50", "p90"], rows.map((r) => h("tr", {},
    h("th", { scope: "row" }, day(r.day)), h("td", { class: "num" }, seconds(r.wait_p50)),
    h("td", { class: "num" }, seconds(r.wait_p90))))));
  return box;
}

function level(value, max) {
  if (typeof value === "string") return "hidden";
  if (!value || !max) return "0";
  return String(Math.min(5, Math.ceil((5 * value) / max)));
}

function heatmapSection(ctx, cells) {
  const box = section("heatmap", "stats_heatmap", "heatmap", ctx, ["heatmap"]);
  const max = Math.max(0, ...cells.map((c) => (typeof c.chats === "number" ? c.chats : 0)));
  const rows = [0, 1, 2, 3, 4, 5, 6].map((wd) => h("tr", {},
    h("th", { scope: "row" }, weekday(wd)),
    cells.filter((c) => c.weekday === wd).map((c) => {
      const title = `${weekday(wd)} ${c.hour}:00`;
      const td = countCell(c.chats, ctx.open, { weekday: wd, hour: c.hour }, title);
      td.classList.add("heat", `heat-${level(c.chats, max)}`);
      if (c.abandoned_queue && c.abandoned_queue !== 0) {
        td.append(h("span", { class: "heat__abandoned" }, ` (${num(c.abandoned_queue)})`));
      }
      return td;
    })));
  const hours = Array.from({ length: 24 }, (_, i) => String(i));
  box.append(table("stats_heatmap", [t("stats_weekday"), ...hours], rows));
  // Demand against staffing: the same hours, the average number of workers on duty.
  const staffMax = Math.max(0, ...cells.map((c) => c.staff_on_duty || 0));
  const staffRows = [0, 1, 2, 3, 4, 5, 6].map((wd) => h("tr", {},
    h("th", { scope: "row" }, weekday(wd)),
    cells.filter((c) => c.weekday === wd).map((c) => h("td", {
      class: `num heat heat-${level(c.staff_on_duty, staffMax)}`,
    }, num(c.staff_on_duty, 1)))));
  box.append(h("h3", { id: "h-staffing" }, t("stats_staffing")));
  box.append(table("stats_staffing", [t("stats_weekday"), ...hours], staffRows));
  return box;
}

function breakdownSection(ctx, kind, rows, { chart = true } = {}) {
  const definition = { topic: "topics", tag_topics: "topics", outcome: "outcomes" }[kind] || null;
  const box = section(kind, `stats_by_${kind}`, definition, ctx, [kind]);
  const clickable = ["topic", "outcome", "tag_topics"].includes(kind);
  if (chart) {
    barChart(box, `stats_by_${kind}`, rows.map((r) => valueLabel(kind, r.value)),
      [{ label: t("stats_chats"), data: rows.map((r) => plot(r.chats)) }], { horizontal: true });
  }
  const param = { topic: "topic", outcome: "outcome", tag_topics: "tag_topic" }[kind];
  box.append(table(`stats_by_${kind}`, [t(`stats_col_${kind}`), t("stats_chats")],
    rows.map((r) => h("tr", {}, h("th", { scope: "row" }, valueLabel(kind, r.value)),
      countCell(r.chats, clickable ? ctx.open : null, { [param]: r.value }, valueLabel(kind, r.value))))));
  return box;
}

function feedbackSection(ctx, fb) {
  const box = section("feedback", "stats_feedback", "feedback", ctx, ["feedback"]);
  box.append(h("dl", { class: "stats" }, [
    ["stats_m_responses", num(fb.responses)], ["stats_m_mean", num(fb.mean, 2)],
    ["stats_m_csat_pct", pct(fb.csat_pct)], ["stats_m_response_rate_pct", pct(fb.response_rate_pct)],
  ].map(([key, value]) => h("div", { class: "stat" }, h("dt", {}, t(key)), h("dd", {}, value)))));
  const scores = ["1", "2", "3", "4", "5"];
  barChart(box, "stats_feedback", scores, [{ label: t("stats_chats"), data: scores.map((s) => plot(fb.scores[s])) }]);
  box.append(table("stats_feedback", [t("stats_score"), t("stats_chats")], scores.map((s) => h("tr", {},
    h("th", { scope: "row" }, s), countCell(fb.scores[s], ctx.open, { score: s }, `${t("stats_score")} ${s}`)))));
  return box;
}

export function renderAll(container, ctx, report, weekly) {
  container.replaceChildren(
    weeklySection(ctx, weekly), summarySection(ctx, report.summary),
    daysSection(ctx, report.days), heatmapSection(ctx, report.heatmap),
    waitSection(ctx, report.days), breakdownSection(ctx, "topic", report.topic),
    breakdownSection(ctx, "tag_topics", report.tag_topics),
    breakdownSection(ctx, "outcome", report.outcome),
    feedbackSection(ctx, report.summary.feedback),
    breakdownSection(ctx, "municipality", report.municipality, { chart: false }),
    breakdownSection(ctx, "lang", report.lang, { chart: false }),
    breakdownSection(ctx, "queue", report.queue, { chart: false }),
    breakdownSection(ctx, "entry_queue", report.entry_queue, { chart: false }),
    breakdownSection(ctx, "queue_moved", report.queue_moved, { chart: false }));
}
