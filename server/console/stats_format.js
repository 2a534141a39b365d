// Shown values of the statistics API: numbers, "<5" (fewer than five), ".." (hidden so that
// a small number cannot be worked out) and null (nothing to show), in the UI language.

import { localeFor } from "./dom.js";
import { lang, t, topicLabel, langName } from "./i18n.js";

export function num(value, digits = 0) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "string") return value;
  return value.toLocaleString(localeFor(lang()), { maximumFractionDigits: digits });
}

export function pct(value) {
  return typeof value === "number" ? `${num(value, 1)} %` : num(value);
}

export function points(value) {
  if (typeof value !== "number") return num(value);
  const sign = value > 0 ? "+" : "";
  return `${sign}${num(value, 1)} ${t("stats_pp")}`;
}

export function seconds(value) {
  if (typeof value !== "number") return num(value);
  if (value < 90) return `${num(value, 0)} s`;
  return `${num(value / 60, 1)} min`;
}

// Charts draw only real numbers; hidden values are gaps (the table shows the mark).
export function plot(value) {
  return typeof value === "number" ? value : null;
}

export function day(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(localeFor(lang()), {
    weekday: "short", day: "numeric", month: "numeric", timeZone: "UTC" });
}

export function weekday(index) {
  // 2024-01-01 was a Monday.
  return new Date(Date.UTC(2024, 0, 1 + index)).toLocaleDateString(localeFor(lang()), {
    weekday: "short", timeZone: "UTC" });
}

// The label of a breakdown value (topic, outcome, municipality, language).
export function valueLabel(kind, value) {
  if (value === "none") return t("stats_none");
  if (kind === "topic" || kind === "tag_topics") return topicLabel(value);
  if (kind === "outcome") return t(`outcome_${value}`, {}, t(`stats_outcome_${value}`, {}, value));
  if (kind === "lang") return langName(value);
  if (kind === "handled_by") return t(`stats_${value}`);
  if (kind === "queue_moved") return t(`stats_moved_${value}`, {}, value);
  return value;
}
