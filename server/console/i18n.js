// UI language of the console pages (fi, sv, en; remembered in localStorage), text lookup
// with {name} placeholders, and static texts in the HTML (data-i18n attributes).

import { STRINGS as CONSOLE_STRINGS } from "./strings.js";
import { ADMIN_STRINGS } from "./strings_admin.js";
import { STATS_STRINGS } from "./stats_strings.js";
import { EDITOR_STRINGS } from "./strings_editor.js";
import { EVAL_STRINGS } from "./strings_editor_eval.js";
import { INBOX_STRINGS } from "./strings_editor_inbox.js";
import { TOOLS_STRINGS } from "./strings_editor_tools.js";
import { DIRECTORY_STRINGS } from "./strings_directory.js";
import { QUEUE_STRINGS } from "./strings_queues.js";
import { TOPICS } from "./topics.js";
import { safeStorageGet, safeStorageSet } from "./dom.js";

export const LANGS = ["fi", "sv", "en"];
const STRINGS = Object.fromEntries(LANGS.map((code) =>
  [code, { ...CONSOLE_STRINGS[code], ...ADMIN_STRINGS[code], ...STATS_STRINGS[code],
            ...EDITOR_STRINGS[code], ...EVAL_STRINGS[code], ...TOOLS_STRINGS[code],
            ...INBOX_STRINGS[code], ...DIRECTORY_STRINGS[code], ...QUEUE_STRINGS[code] }]));
const STORAGE_KEY = "neuvo.console.lang";
const listeners = [];
let current = LANGS.includes(safeStorageGet(STORAGE_KEY)) ? safeStorageGet(STORAGE_KEY) : "fi";

export function lang() {
  return current;
}

export function onLangChange(callback) {
  listeners.push(callback);
}

export function setLang(next) {
  if (!LANGS.includes(next)) return;
  current = next;
  safeStorageSet(STORAGE_KEY, next);
  applyTexts();
  for (const callback of listeners) callback(next);
}

// t("key", {n: 2}); a third argument is returned when the key does not exist.
export function t(key, vars = {}, missing = undefined) {
  const text = STRINGS[current][key] ?? STRINGS.fi[key];
  if (text === undefined) return missing === undefined ? key : missing;
  return text.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? ""));
}

// Human-readable label of a bot intent / tag topic in the UI language.
export function topicLabel(topic) {
  if (!topic) return t("topic_none");
  if (topic === "other") return t("topic_other");
  if (topic === "nlu_fallback") return t("topic_fallback");
  const entry = TOPICS[topic];
  return entry ? entry[current] : topic;
}

export function langName(code) {
  return t(`lang_${code}`, {}, code);
}

// Fill data-i18n (text), data-i18n-label (aria-label), data-i18n-placeholder and
// data-i18n-title attributes under `root`; set <html lang> and the page title.
export function applyTexts(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll("[data-i18n-title]")) {
    el.setAttribute("title", t(el.dataset.i18nTitle));
  }
  const title = document.querySelector("meta[name='neuvo-title']");
  if (title) document.title = t(title.content);
}

// Wire a <select> of UI languages.
export function bindLangSelect(select) {
  select.value = current;
  select.addEventListener("change", () => setLang(select.value));
  onLangChange((next) => {
    select.value = next;
  });
}
