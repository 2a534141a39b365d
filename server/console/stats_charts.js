// Chart.js (vendored in vendor/chartjs) drawings of the statistics. Every chart is a canvas
// with role="img" and a label that points to the data table beside it; hidden values are gaps.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const COLOURS = ["#00508c", "#1e6b34", "#a4001d", "#8a6100", "#5b2c83", "#4a4a4a", "#00796b",
  "#b3541e"];
const charts = [];

export function destroyCharts() {
  while (charts.length) charts.pop().destroy();
}

function canvas(labelKey) {
  return h("canvas", { role: "img", "aria-label": `${t(labelKey)}. ${t("stats_chart_alt")}` });
}

function draw(box, labelKey, config) {
  const el = canvas(labelKey);
  const wrap = h("div", { class: "stats-chart" }, el);
  box.append(wrap);
  if (!window.Chart) {
    wrap.append(h("p", { class: "hint" }, t("stats_no_charts")));
    return;
  }
  config.options = {
    animation: false, responsive: true, maintainAspectRatio: false,
    plugins: { legend: { position: "bottom" } }, ...config.options,
  };
  charts.push(new window.Chart(el, config));
}

// Bars (optionally stacked) and lines over the same labels.
export function barChart(box, labelKey, labels, series, { stacked = false, horizontal = false } = {}) {
  draw(box, labelKey, {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label, data: s.data, type: s.line ? "line" : "bar",
        backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length],
        spanGaps: false, yAxisID: s.axis || "y", order: s.line ? 0 : 1,
        stack: s.line ? `line${i}` : "bars",
      })),
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      scales: {
        x: { stacked, beginAtZero: true },
        y: { stacked, beginAtZero: true },
        ...(series.some((s) => s.axis === "y2")
          ? { y2: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } : {}),
      },
    },
  });
}

export function lineChart(box, labelKey, labels, series) {
  draw(box, labelKey, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label, data: s.data, borderColor: COLOURS[i], backgroundColor: COLOURS[i],
        spanGaps: false,
      })),
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
}

export function doughnutChart(box, labelKey, labels, data) {
  draw(box, labelKey, {
    type: "doughnut",
    data: { labels, datasets: [{ data, backgroundColor: COLOURS.slice(0, data.length) }] },
  });
}
