// The preview chat: the bot answering from the unpublished draft "as a resident of
// municipality X, in Swedish, outside opening hours". Shows the replies and their buttons
// (a button sends its payload as the next message), the detected topic and confidence.
// Nothing is stored; the first answer after a change waits while the draft trains.

import { api, errorText } from "./api.js";
import { $, announce, h } from "./dom.js";
import { LANGS, langName, onLangChange, t } from "./i18n.js";

const state = { log: [], streak: 0, busy: false, error: "" };

function options() {
  return {
    lang: $("#preview-lang")?.value || "fi",
    municipality: $("#preview-municipality")?.value.trim() || null,
    in_service_hours: !$("#preview-closed")?.checked,
    staff_on_duty: !$("#preview-nobody")?.checked,
  };
}

function entry(item) {
  if (item.author === "resident") {
    return h("li", { class: "msg msg--resident" },
      h("p", { class: "msg__meta" }, h("span", { class: "msg__author" }, t("et_preview_you"))),
      h("p", { class: "msg__text", lang: item.lang }, item.text));
  }
  const turn = item.turn;
  const notes = [
    turn.intent ? t("et_preview_intent", { intent: turn.intent,
      confidence: Math.round(turn.confidence * 100) }) : null,
    turn.safety ? t("et_preview_safety") : null,
    turn.handoff ? t("et_preview_handoff") : null,
  ].filter(Boolean);
  return h("li", { class: "msg msg--bot" },
    h("p", { class: "msg__meta" }, h("span", { class: "msg__author" }, t("et_preview_bot"))),
    turn.replies.flatMap((reply) => [
      h("p", { class: "msg__text", lang: item.lang }, reply.text),
      reply.buttons.length ? h("div", { class: "chips", role: "group",
        "aria-label": t("et_preview_buttons") },
      reply.buttons.map((button) => h("button", { type: "button", class: "chip", lang: item.lang,
        disabled: state.busy, onclick: () => send(button.payload, button.title) },
      button.title))) : null]),
    notes.map((note) => h("p", { class: "hint" }, note)));
}

function renderLog() {
  const log = $("#preview-log");
  if (!log) return;
  log.replaceChildren(...(state.log.length ? state.log.map(entry)
    : [h("li", { class: "hint" }, t("et_preview_empty"))]));
  $("#preview-busy").textContent = state.busy ? t("et_preview_training") : "";
  $("#preview-error").textContent = state.error;
  for (const button of $("#preview").querySelectorAll("button")) button.disabled = state.busy;
  log.lastElementChild?.scrollIntoView({ block: "nearest" });
}

function check(id, key) {
  return h("div", { class: "check" },
    h("input", { type: "checkbox", id }),
    h("label", { for: id }, t(key)));
}

function render() {
  const before = options();
  const section = $("#preview");
  section.replaceChildren(
    h("h2", { id: "preview-title" }, t("et_preview_title")),
    h("p", { class: "notice notice--warning" }, t("et_preview_note")),
    h("p", { class: "hint" }, t("et_preview_wait")),
    h("div", { class: "row" },
      h("div", { class: "field" },
        h("label", { for: "preview-lang" }, t("et_preview_lang")),
        h("select", { id: "preview-lang" }, LANGS.map((code) =>
          h("option", { value: code, lang: code }, langName(code))))),
      h("div", { class: "field field--grow" },
        h("label", { for: "preview-municipality" }, t("et_preview_municipality")),
        h("input", { id: "preview-municipality", maxlength: "100", autocomplete: "off" })),
      h("div", { class: "field" }, check("preview-closed", "et_preview_closed"),
        check("preview-nobody", "et_preview_nobody"))),
    h("ol", { class: "log", id: "preview-log", "aria-label": t("et_preview_log") }),
    h("p", { class: "status-line", id: "preview-busy", role: "status" }),
    h("p", { class: "form__error", id: "preview-error", role: "alert" }),
    h("form", { class: "composer", id: "preview-form", novalidate: true, onsubmit: submit },
      h("label", { for: "preview-text" }, t("et_preview_message")),
      h("div", { class: "composer__row" },
        h("textarea", { id: "preview-text", rows: "2", maxlength: "4000",
          onkeydown: (event) => {
            if (event.key === "Enter" && !event.shiftKey) submit(event);
          } }),
        h("button", { type: "submit", class: "button button--primary" }, t("et_preview_send")),
        h("button", { type: "button", class: "button", id: "preview-start", onclick: restart },
          t("et_preview_start")))));
  $("#preview-lang").value = before.lang;
  $("#preview-municipality").value = before.municipality ?? "";
  $("#preview-closed").checked = !before.in_service_hours;
  $("#preview-nobody").checked = !before.staff_on_duty;
  renderLog();
}

function submit(event) {
  event.preventDefault();
  const input = $("#preview-text");
  const text = input.value.trim();
  if (!text || state.busy) return;
  input.value = "";
  send(text, text);
}

function restart() {
  state.log = [];
  state.streak = 0;
  send(null, null);
}

async function send(text, shown) {
  const chosen = options();
  if (shown !== null) state.log.push({ author: "resident", text: shown, lang: chosen.lang });
  state.busy = true;
  state.error = "";
  renderLog();
  try {
    const turn = await api("POST", "/api/v1/editor/preview",
      { text, ...chosen, fallback_streak: state.streak });
    state.streak = turn.fallback_streak;
    state.log.push({ author: "bot", turn, lang: chosen.lang });
    announce(turn.replies.map((reply) => reply.text).join(" "));
  } catch (error) {
    state.error = errorText(error) + (error.detail ? ` (${error.detail})` : "");
  }
  state.busy = false;
  renderLog();
  $("#preview-text").focus();
}

export function initPreview(_me) {
  render();
  onLangChange(render);
}
