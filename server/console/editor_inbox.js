// The inbox of unrecognised questions on the content editor page (#inbox): filters, the
// questions grouped by similarity (count, date range, the bot's guess), and per group or
// question: add to a topic in the draft, a new topic from a question, dismiss. The texts
// were anonymised by the server before they were stored; editors never see chats.

import { api, errorText } from "./api.js";
import { $, announce, formatDateTime, h, localeFor } from "./dom.js";
import { lang, langName, onLangChange, t } from "./i18n.js";
import { confirmAction } from "./pageshell.js";

const LANGS = ["fi", "sv", "en"];
const FALLBACK = "nlu_fallback";
const state = { intents: [], data: null, filters: { state: "new" }, busy: false };

function section() {
  return $("#inbox");
}

function say(text) {
  $("#ib-status").textContent = text;
  if (text) announce(text);
}

function field(id, label, control) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function options(values, chosen) {
  return values.map(([value, label]) => h("option", { value, selected: value === chosen }, label));
}

function intentOptions(chosen, first) {
  return options([["", first], ...state.intents.map((name) => [name, name])], chosen);
}

function guessLabel(intent) {
  return !intent || intent === FALLBACK ? t("ib_fallback") : intent;
}

function percent(value) {
  return value === null || value === undefined ? "–" : String(Math.round(value * 100));
}

function filterForm() {
  const f = state.filters;
  const reasons = [["", t("ib_any")], ["fallback", t("ib_reason_fallback")],
    ["asked_for_person", t("ib_reason_asked_for_person")]];
  const states = ["new", "dismissed", "added", "all"].map((s) => [s, t(`ib_state_${s}`)]);
  const guesses = [["", t("ib_any")], [FALLBACK, t("ib_fallback")],
    ...state.intents.map((name) => [name, name])];
  const number = (id, value) => h("input", { id, type: "number", min: 0, max: 100, step: 5,
    inputmode: "numeric", value: value ?? "" });
  return h("form", { id: "ib-filters", class: "row", novalidate: true, "aria-label": t("ib_filters"),
    onsubmit: (event) => { event.preventDefault(); applyFilters(); } },
    field("ib-from", t("ib_from"), h("input", { id: "ib-from", type: "date", value: f.from ?? "" })),
    field("ib-to", t("ib_to"), h("input", { id: "ib-to", type: "date", value: f.to ?? "" })),
    field("ib-intent", t("ib_intent"), h("select", { id: "ib-intent" }, options(guesses, f.intent ?? ""))),
    field("ib-lang", t("ib_lang"), h("select", { id: "ib-lang" },
      options([["", t("ib_any")], ...LANGS.map((code) => [code, langName(code)])], f.lang ?? ""))),
    field("ib-reason", t("ib_reason"), h("select", { id: "ib-reason" }, options(reasons, f.reason ?? ""))),
    field("ib-min", t("ib_min_conf"), number("ib-min", f.min)),
    field("ib-max", t("ib_max_conf"), number("ib-max", f.max)),
    field("ib-state", t("ib_state"), h("select", { id: "ib-state" }, options(states, f.state))),
    h("div", { class: "field" }, h("button", { type: "submit", class: "button button--primary" }, t("ib_show"))),
    h("div", { class: "field" }, h("button", { type: "button", class: "button",
      onclick: () => { state.filters = { state: "new" }; render(); load(); } }, t("ib_clear"))));
}

function applyFilters() {
  const value = (id) => $(`#${id}`).value.trim();
  state.filters = { from: value("ib-from"), to: value("ib-to"), intent: value("ib-intent"),
    lang: value("ib-lang"), reason: value("ib-reason"), min: value("ib-min"),
    max: value("ib-max"), state: value("ib-state") || "new" };
  load();
}

function query() {
  const f = state.filters;
  const params = new URLSearchParams();
  const put = (name, value) => { if (value) params.set(name, value); };
  put("from", f.from); put("to", f.to); put("intent", f.intent); put("lang", f.lang);
  put("reason", f.reason); put("state", f.state);
  if (f.min) params.set("min_confidence", String(Number(f.min) / 100));
  if (f.max) params.set("max_confidence", String(Number(f.max) / 100));
  return params.toString();
}

function pickIntent(id, label) {
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id }, intentOptions("", t("ib_choose"))));
}

function addWith(selectId, ids, focusAfter) {
  const intent = $(`#${selectId}`).value;
  if (!intent) {
    say(t("ib_pick_first"));
    $(`#${selectId}`).focus();
    return;
  }
  act(() => api("POST", "/api/v1/editor/inbox/add", { ids, intent }), (r) => [
    t("ib_added", { intent: r.intent, n: r.added.length }),
    r.already_there.length ? t("ib_already", { n: r.already_there.length }) : "",
    r.skipped.length ? t("ib_skipped", { n: r.skipped.length }) : ""].filter(Boolean).join(" "),
  focusAfter);
}

async function dismiss(ids, focusAfter) {
  if (!await confirmAction(t("ib_dismiss_confirm", { n: ids.length }), t("ib_dismiss"))) return;
  act(() => api("POST", "/api/v1/editor/inbox/dismiss", { ids }),
    (r) => t("ib_dismissed", { n: r.dismissed }), focusAfter);
}

function newIntentForm(item, cell) {
  const id = `ib-new-${item.id}`;
  const form = h("form", { class: "row", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const name = $(`#${id}`).value.trim();
    if (!name) return;
    act(() => api("POST", "/api/v1/editor/inbox/new-intent", { id: item.id, name }),
      (r) => [t("ib_created", { name: r.created }),
        r.skipped.length ? t("ib_skipped", { n: r.skipped.length }) : ""].join(" "), null, true);
  } },
  h("div", { class: "field field--grow" }, h("label", { for: id }, t("ib_new_name")),
    h("input", { id, maxlength: 64, autocomplete: "off", spellcheck: "false" })),
  h("div", { class: "field" }, h("button", { type: "submit", class: "button button--primary" }, t("ib_create"))),
  h("div", { class: "field" }, h("button", { type: "button", class: "button",
    onclick: () => { form.remove(); cell.querySelector("[data-new]")?.focus(); } }, t("ib_cancel"))));
  cell.append(form);
  $(`#${id}`).focus();
}

function itemRow(item, groupKey) {
  const locale = localeFor(lang());
  const select = `ib-i-${item.id}-intent`;
  const cell = h("td", { class: "actions" });
  const done = item.state === "dismissed" ? t("ib_state_is_dismissed")
    : item.state === "added" ? t("ib_state_is_added", { intent: item.added_to ?? "" }) : null;
  cell.append(pickIntent(select, t("ib_add_to")),
    h("button", { type: "button", class: "button", "aria-label": `${t("ib_add")}: ${item.text}`,
      onclick: () => addWith(select, [item.id], groupKey) }, t("ib_add")),
    h("button", { type: "button", class: "button", dataset: { new: "1" },
      onclick: () => newIntentForm(item, cell) }, t("ib_new_intent")),
    item.state === "new" ? h("button", { type: "button", class: "button button--danger",
      "aria-label": `${t("ib_dismiss")}: ${item.text}`, onclick: () => dismiss([item.id], groupKey) },
    t("ib_dismiss")) : null);
  return h("tr", { dataset: { item: item.id } },
    h("td", { lang: item.lang }, item.text, done ? h("p", { class: "hint" }, done) : null),
    h("td", {}, langName(item.lang)),
    h("td", {}, t("ib_conf", { intent: guessLabel(item.intent), n: percent(item.confidence) }),
      h("br"), h("span", { class: "hint" }, t(`ib_reason_${item.reason}`))),
    h("td", {}, formatDateTime(item.created_at, locale)),
    cell);
}

function groupView(group) {
  const locale = localeFor(lang());
  const day = (iso) => new Date(iso).toLocaleDateString(locale);
  const key = group.key;
  const title = `ib-g-${key}-title`;
  const select = `ib-g-${key}-intent`;
  const ids = group.items.map((i) => i.id);
  const open = group.items.filter((i) => i.state === "new").map((i) => i.id);
  const guesses = Object.entries(group.intents).map(([intent, n]) => `${guessLabel(intent)} (${n})`);
  const rows = h("tbody");
  const fill = (event) => {
    if (event.target.open && !rows.childElementCount) {
      rows.append(...group.items.map((item) => itemRow(item, key)));
    }
  };
  return h("li", { class: "report__item", dataset: { key, group: key } },
    h("h3", { id: title, tabindex: -1, lang: group.representative.lang },
      `“${group.representative.text}”`),
    h("p", {}, h("strong", {}, t("ib_count", { n: group.count })), " · ",
      t("ib_dates", { from: day(group.first_at), to: day(group.last_at) }), " · ",
      group.langs.map(langName).join(", "), " · ", t("ib_guess", { intents: guesses.join(", ") })),
    h("div", { class: "row" }, pickIntent(select, t("ib_add_to")),
      h("div", { class: "field" }, h("button", { type: "button", class: "button button--primary",
        onclick: () => addWith(select, ids, key) }, t("ib_add_group", { n: ids.length }))),
      open.length ? h("div", { class: "field" }, h("button", { type: "button", class: "button button--danger",
        onclick: () => dismiss(open, key) }, t("ib_dismiss_group", { n: open.length }))) : null),
    h("details", { ontoggle: fill }, h("summary", {}, t("ib_items", { n: group.count })),
      h("div", { class: "table-wrap" }, h("table", { class: "table" },
        h("caption", { class: "sr-only" }, t("ib_group_label", { text: group.representative.text })),
        h("thead", {}, h("tr", {}, ["ib_col_text", "ib_col_lang", "ib_col_guess", "ib_col_when",
          "ib_col_actions"].map((k) => h("th", { scope: "col" }, t(k))))),
        rows))));
}

function renderGroups() {
  const list = $("#ib-groups");
  if (!list) return;
  const data = state.data;
  if (!data) {
    list.replaceChildren();
    return;
  }
  list.replaceChildren(...data.groups.map(groupView));
  $("#ib-summary").textContent = data.groups.length
    ? [t("ib_shown", { groups: data.groups.length, items: data.items }),
      data.truncated ? t("ib_truncated", { n: data.items }) : ""].join(" ")
    : t("ib_none");
}

function render() {
  section().replaceChildren(
    h("h2", { id: "inbox-title", tabindex: -1 }, t("ib_title")),
    h("p", { class: "hint" }, t("ib_hint")),
    filterForm(),
    h("p", { class: "status-line", id: "ib-status", role: "status" }),
    h("p", { id: "ib-summary" }),
    h("ul", { class: "report", id: "ib-groups", "aria-labelledby": "inbox-title" }));
  renderGroups();
}

// Run an action, report it, reload; focus goes to the group that took the place of the
// one acted on (or the heading), so keyboard users never lose their place.
async function act(call, message, groupKey, intentsChanged = false) {
  if (state.busy) return;
  state.busy = true;
  const keys = (state.data?.groups ?? []).map((g) => g.key);
  const index = Math.max(0, keys.indexOf(groupKey));
  try {
    const result = await call();
    if (intentsChanged) await loadIntents();
    await load(false);
    say(message(result));
    const groups = state.data?.groups ?? [];
    const next = groups[Math.min(index, groups.length - 1)];
    (next ? $(`#ib-g-${next.key}-title`) : $("#inbox-title"))?.focus();
  } catch (error) {
    say(errorText(error));
  } finally {
    state.busy = false;
  }
}

async function loadIntents() {
  try {
    state.intents = (await api("GET", "/api/v1/editor/intents")).items.map((i) => i.name).sort();
  } catch (error) {
    say(errorText(error));
  }
}

async function load(announceIt = true) {
  if (announceIt) say(t("ib_loading"));
  try {
    state.data = await api("GET", `/api/v1/editor/inbox/groups?${query()}`);
    renderGroups();
    if (announceIt) say("");
  } catch (error) {
    say(errorText(error));
  }
}

export async function initInbox(_me) {
  render();
  onLangChange(() => { render(); });
  await loadIntents();
  render();
  await load();
}
