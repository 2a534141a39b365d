// County facts (the phone numbers and addresses the bot's answers quote): one field per
// fact with its source and general wording, checked here with the server's rules so that
// the message is in the UI language; a save carries the revision (409: reload the other's).

import { api, errorText } from "./api.js";
import { $, announce, h } from "./dom.js";
import { lang, onLangChange, t } from "./i18n.js";

const PHONE = /^\+?[0-9()][0-9 ()-]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const state = { data: null, message: "", error: "" };

function label(key) {
  return t(`et_fact_${key}`, {}, key);
}

// The server's rules (server/services/content/facts.py), as a text in the UI language.
export function problem(item, raw) {
  const value = raw.trim();
  const name = label(item.key);
  if (CONTROL.test(value)) return t("et_bad_line", { label: name });
  if (value.length > item.max_length) return t("et_bad_long", { label: name, n: item.max_length });
  if (/[{}]/.test(value)) return t("et_bad_braces", { label: name });
  if (!value) return "";
  if (item.kind === "phone") {
    const digits = value.replace(/\D/g, "").length;
    if (!PHONE.test(value) || digits < 3 || digits > 20) return t("et_bad_phone", { label: name });
  }
  if (item.kind === "url") {
    let url = null;
    try { url = new URL(value); } catch { url = null; }
    if (!url || url.protocol !== "https:" || !url.hostname.includes(".") || /\s/.test(value)) {
      return t("et_bad_url", { label: name });
    }
  }
  return "";
}

function sourceText(item) {
  return t(`et_source_${item.source}`);
}

function field(item, typed) {
  const id = `fact-${item.key}`;
  const generic = item.generic[lang()] || item.generic.fi;
  const hints = [
    h("p", { class: "hint", id: `${id}-source` }, sourceText(item), " ",
      item.default ? t("et_default_is", { value: item.default }) : t("et_default_none")),
    generic ? h("p", { class: "hint", id: `${id}-generic` }, t("et_generic", { text: generic })) : null,
  ];
  const described = hints.filter(Boolean).map((el) => el.id).join(" ");
  return h("div", { class: "row", dataset: { fact: item.key } },
    h("div", { class: "field field--grow" },
      h("label", { for: id }, label(item.key)),
      h("input", { id, name: item.key, value: typed ?? item.value, maxlength: String(item.max_length),
        autocomplete: "off", spellcheck: item.kind === "text" ? "true" : "false",
        inputmode: item.kind === "phone" ? "tel" : item.kind === "url" ? "url" : null,
        "aria-describedby": described }),
      hints),
    item.saved ? h("div", { class: "field" },
      h("button", { type: "button", class: "button", onclick: () => save({ [item.key]: null }),
        "aria-label": t("et_use_default_label", { label: label(item.key) }) },
      t("et_use_default"))) : null);
}

function render() {
  const section = $("#facts");
  const data = state.data;
  const typed = {};  // what the editor typed survives a change of the UI language
  for (const input of section.querySelectorAll("input[name]")) typed[input.name] = input.value;
  section.replaceChildren(
    h("h2", { id: "facts-title" }, t("et_facts_title")),
    h("p", { class: "hint" }, t("et_facts_hint")),
    data ? h("form", { id: "facts-form", novalidate: true, onsubmit: submit },
      data.items.map((item) => field(item, typed[item.key])),
      h("p", { class: "form__error", id: "facts-error", role: "alert" }, state.error),
      h("button", { type: "submit", class: "button button--primary" }, t("et_facts_save")))
      : null,
    h("p", { class: "status-line", id: "facts-status", role: "status" }, state.message));
}

async function load() {
  try {
    state.data = await api("GET", "/api/v1/editor/facts");
    state.error = "";
  } catch (error) {
    state.error = errorText(error);
  }
  render();
}

function submit(event) {
  event.preventDefault();
  const values = {};
  const problems = [];
  for (const item of state.data.items) {
    const input = $(`#fact-${item.key}`);
    const value = input.value.trim();
    const wrong = problem(item, input.value);
    input.setAttribute("aria-invalid", wrong ? "true" : "false");
    if (wrong) problems.push({ wrong, input });
    else if (value !== item.value) values[item.key] = value;
  }
  if (problems.length) {
    state.error = problems.map((p) => p.wrong).join(" ");
    $("#facts-error").textContent = state.error;
    problems[0].input.focus();
    return;
  }
  if (!Object.keys(values).length) {
    state.message = t("et_facts_nochange");
    $("#facts-status").textContent = state.message;
    return;
  }
  save(values);
}

async function save(values) {
  try {
    state.data = await api("PUT", "/api/v1/editor/facts", { values, revision: state.data.revision });
    state.error = "";
    state.message = t("et_facts_saved");
    $("#facts-form")?.remove();  // show what is saved now, not what was typed
  } catch (error) {
    if (error.status === 409 && error.data?.current) {
      state.data = error.data.current;
      $("#facts-form")?.remove();
      state.error = t("et_facts_conflict");
    } else {
      state.error = errorText(error) + (error.detail ? ` (${error.detail})` : "");
    }
    state.message = "";
  }
  render();
  if (state.message) announce(state.message);
  else $("#facts-error")?.closest("form")?.querySelector("input")?.focus();
}

export function initFacts(_me) {
  render();
  onLangChange(render);
  load();
}
