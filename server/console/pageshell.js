// Shared start-up of the supervisor and audit pages: the account (a visitor whose session
// ended goes to the login page), the CSRF token, language, logout, and dialog close buttons.

import { api, onSessionEnded, setCsrf } from "./api.js";
import { $ } from "./dom.js";
import { applyTexts, bindLangSelect } from "./i18n.js";

export async function startPage() {
  applyTexts();
  bindLangSelect($("#page-lang"));
  onSessionEnded(() => location.assign("/console/"));
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
  const me = await api("GET", "/api/v1/staff/me");
  setCsrf(me.csrf_token);
  $("#logout").addEventListener("click", async () => {
    try {
      await api("POST", "/api/v1/staff/logout");
    } finally {
      location.assign("/console/");
    }
  });
  return me;
}

export function pageAlert(text) {
  const el = $("#page-alert");
  el.textContent = text;
  el.hidden = !text;
}

// A yes/no question in the confirm dialog; resolves true for yes. Focus starts on the safe
// choice (cancel), so a second Enter never confirms by accident.
export function confirmAction(text, yesLabel) {
  const dialog = $("#confirm-dialog");
  $("#confirm-text").textContent = text;
  $("#confirm-yes").textContent = yesLabel;
  dialog.returnValue = "";
  const back = document.activeElement;
  dialog.showModal();
  $("#confirm-no").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (back instanceof HTMLElement && back.isConnected) back.focus();
      resolve(dialog.returnValue === "yes");
    }, { once: true });
  });
}
