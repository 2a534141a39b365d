// Keyboard shortcuts for the frequent actions, and the help dialog that lists them.
// Alt+letter combinations use event.code, so they work with any keyboard layout.

import { $, h, openDialog } from "./dom.js";
import { t } from "./i18n.js";

export const SHORTCUTS = [
  ["Alt+N", "sc_take_next"],
  ["Alt+1 … Alt+9", "sc_switch_tab"],
  ["← →", "sc_tabs_arrows"],
  ["Alt+Q", "sc_queue"],
  ["Alt+M", "sc_composer"],
  ["Enter", "sc_send"],
  ["Shift+Enter", "sc_newline"],
  ["Ctrl+K, /", "sc_canned"],
  ["Alt+T", "sc_transfer"],
  ["Alt+K", "sc_consult"],
  ["Alt+C", "sc_close"],
  ["Alt+H, ?", "sc_help"],
  ["Esc", "sc_escape"],
];

export function renderHelp() {
  $("#help-rows").replaceChildren(...SHORTCUTS.map(([keys, action]) =>
    h("tr", {}, h("td", {}, h("kbd", {}, keys)), h("td", {}, t(action)))));
}

function typingInField(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

export function bindShortcuts(app) {
  document.addEventListener("keydown", (event) => {
    if ($("#app-view").hidden || document.querySelector("dialog[open]")) return;
    const chat = app.chats.active();
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.code === "KeyK") {
      event.preventDefault();
      if (chat) app.canned.open(chat);
      return;
    }
    if (event.key === "?" && !typingInField(event.target) && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      openDialog($("#help-dialog"));
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const digit = /^Digit([1-9])$/.exec(event.code);
    const actions = {
      KeyN: () => app.queue.takeNext(),
      KeyQ: () => app.queue.focusFirst(),
      KeyM: () => chat?.view.focusComposer(),
      KeyT: () => app.transfer.open(chat),
      KeyK: () => app.consult.compose(chat),
      KeyC: () => app.closer.open(chat),
      KeyH: () => openDialog($("#help-dialog")),
    };
    if (digit) {
      event.preventDefault();
      app.chats.activateIndex(Number(digit[1]) - 1);
    } else if (actions[event.code]) {
      event.preventDefault();
      actions[event.code]();
    }
  });
}
