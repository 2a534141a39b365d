// Editing one intent in a dialog: examples (one per line) and the answer per language with
// the plain-language check shown while writing, save with the revision (a conflict shows
// the other editor's version), rename and delete.

import { api, errorText } from "./api.js";
import { $, announce, h } from "./dom.js";
import { t } from "./i18n.js";
import { confirmAction } from "./pageshell.js";

const LANGS = ["fi", "sv", "en"];
const current = { view: null, callbacks: null, timers: {} };

// bot/plain_language.py words its findings in English; show them in the UI language.
function plainText(problem) {
  let m = problem.match(/^sentence of (\d+) words \(max (\d+)\)/);
  if (m) return t("ed_plain_sentence", { n: m[1], max: m[2] });
  m = problem.match(/^long word \((\d+) letters, max (\d+)\): '(.*)'$/);
  if (m) return t("ed_plain_word", { n: m[1], max: m[2], word: m[3] });
  m = problem.match(/^LIX (\d+) \(max (\d+)\)/);
  if (m) return t("ed_plain_lix", { n: m[1], max: m[2] });
  return problem;
}

async function checkPlain(code) {
  const text = $(`#answer-${code}`).value.trim();
  const out = $(`#plain-${code}`);
  if (!text) {
    out.replaceChildren();
    return;
  }
  try {
    const result = await api("POST", "/api/v1/editor/plain-language", { lang: code, text });
    const items = result.problems.map((p) => h("li", {}, plainText(p)));
    out.replaceChildren(
      items.length ? h("ul", { class: "plain__list" }, items) : h("p", {}, t("ed_plain_ok")),
      ...(result.lix === null ? [] : [h("p", {}, t("ed_lix", { n: result.lix }))]));
  } catch {
    out.replaceChildren();
  }
}

function schedule(code) {
  clearTimeout(current.timers[code]);
  current.timers[code] = setTimeout(() => checkPlain(code), 400);
}

function langBlock(view, code) {
  const first = view.responses[code][0];
  const buttons = first?.buttons ?? [];
  const answer = h("textarea", { id: `answer-${code}`, rows: 4, maxlength: 2000, lang: code,
    "aria-describedby": `plain-${code}` });
  answer.value = first?.text ?? "";
  answer.addEventListener("input", () => schedule(code));
  const examples = h("textarea", { id: `examples-${code}`, rows: 6, lang: code,
    "aria-describedby": `examples-hint-${code}`, spellcheck: "true" });
  examples.value = view.examples[code].join("\n");
  return h("fieldset", { class: "choices editor-lang" },
    h("legend", {}, t(`lang_${code}`, {}, code)),
    h("div", { class: "field" },
      h("label", { for: `examples-${code}` }, t("ed_examples", { lang: code })),
      examples,
      h("p", { class: "hint", id: `examples-hint-${code}` }, t("ed_examples_hint"))),
    h("div", { class: "field" },
      h("label", { for: `answer-${code}` }, t("ed_answer", { lang: code })),
      answer,
      buttons.length ? h("p", { class: "hint" },
        t("ed_buttons", { list: buttons.map((b) => b.title).join(", ") })) : null,
      h("div", { class: "plain", id: `plain-${code}`, "aria-live": "polite" })));
}

function render(view) {
  current.view = view;
  $("#intent-title").textContent = t("ed_edit_title", { name: view.name });
  const used = [...view.used_by.rules, ...view.used_by.buttons];
  $("#intent-usage").textContent = view.required ? t("ed_required")
    : used.length ? t("ed_used_by", { list: used.join("; ") }) : t("ed_not_used");
  $("#intent-langs").replaceChildren(...LANGS.map((code) => langBlock(view, code)));
  $("#intent-safety").checked = view.safety;
  $("#intent-safety").disabled = view.catalogue_safety || view.required;
  $("#intent-rename").value = "";
  $("#intent-rename-row").hidden = view.required;
  $("#intent-delete").hidden = view.required;
  $("#intent-error").textContent = "";
  $("#intent-conflict").hidden = true;
  $("#intent-other").hidden = true;
  $("#intent-reload").hidden = true;
  for (const code of LANGS) checkPlain(code);
}

function collect() {
  const view = current.view;
  const examples = {};
  const responses = {};
  for (const code of LANGS) {
    examples[code] = $(`#examples-${code}`).value.split("\n").map((s) => s.trim()).filter(Boolean);
    const text = $(`#answer-${code}`).value.trim();
    const [first, ...rest] = view.responses[code];
    responses[code] = text ? [{ text, buttons: first?.buttons ?? [] }, ...rest] : rest;
  }
  return { revision: view.revision, examples, responses };
}

function showConflict(other) {
  $("#intent-conflict").textContent = t("ed_conflict", { by: other.last_change?.by ?? "?" });
  $("#intent-conflict").hidden = false;
  const box = $("#intent-other");
  box.replaceChildren(h("h3", {}, t("ed_other_version")), ...LANGS.map((code) => h("div", {},
    h("p", {}, h("strong", {}, t("ed_examples", { lang: code }))),
    h("p", { class: "other-text", lang: code }, other.examples[code].join(" · ")),
    h("p", {}, h("strong", {}, t("ed_answer", { lang: code }))),
    h("p", { class: "other-text", lang: code }, other.responses[code][0]?.text ?? "–"))));
  box.hidden = false;
  $("#intent-reload").hidden = false;
  $("#intent-conflict").focus?.();
}

async function save() {
  try {
    const view = await api("PUT", `/api/v1/editor/intents/${current.view.name}`, collect());
    render(view);
    announce(t("ed_saved"));
    current.callbacks.changed(t("ed_saved"));
  } catch (error) {
    if (error.status === 409 && error.data?.current) showConflict(error.data.current);
    else $("#intent-error").textContent = errorText(error) + (error.detail ? ` (${error.detail})` : "");
  }
}

async function rename() {
  const name = $("#intent-rename").value.trim();
  if (!name) return;
  try {
    const view = await api("POST", `/api/v1/editor/intents/${current.view.name}/rename`,
      { revision: current.view.revision, name });
    render(view);
    current.callbacks.changed(t("ed_renamed", { name }));
  } catch (error) {
    if (error.status === 409 && error.data?.current) showConflict(error.data.current);
    else $("#intent-error").textContent = errorText(error) + (error.detail ? ` (${error.detail})` : "");
  }
}

async function markSafety() {
  const wanted = $("#intent-safety").checked;
  try {
    const view = await api("POST", `/api/v1/editor/intents/${current.view.name}/safety`,
      { revision: current.view.revision, safety: wanted });
    render(view);
    const text = t(wanted ? "ed_safety_marked" : "ed_safety_unmarked");
    announce(text);
    current.callbacks.changed(text);
  } catch (error) {
    $("#intent-safety").checked = !wanted;
    if (error.status === 409 && error.data?.current) showConflict(error.data.current);
    else $("#intent-error").textContent = errorText(error) + (error.detail ? ` (${error.detail})` : "");
  }
}

async function remove() {
  const { name, revision } = current.view;
  const dialog = $("#intent-dialog");
  if (!await confirmAction(t("ed_delete_confirm", { name }), t("ed_delete"))) return;
  try {
    await api("DELETE", `/api/v1/editor/intents/${name}?revision=${revision}`);
    dialog.close();
    current.callbacks.changed(t("ed_deleted", { name }));
  } catch (error) {
    $("#intent-error").textContent = errorText(error) + (error.detail ? ` (${error.detail})` : "");
  }
}

async function reload() {
  render(await api("GET", `/api/v1/editor/intents/${current.view.name}`));
}

let bound = false;

export async function openIntent(name, callbacks) {
  current.callbacks = callbacks;
  if (!bound) {
    bound = true;
    $("#intent-save").addEventListener("click", save);
    $("#intent-rename-button").addEventListener("click", rename);
    $("#intent-delete").addEventListener("click", remove);
    $("#intent-reload").addEventListener("click", reload);
    $("#intent-safety").addEventListener("change", markSafety);
  }
  try {
    render(await api("GET", `/api/v1/editor/intents/${encodeURIComponent(name)}`));
  } catch (error) {
    callbacks.changed(errorText(error));
    return;
  }
  const dialog = $("#intent-dialog");
  if (!dialog.open) dialog.showModal();
  $(`#examples-fi`).focus();
}
