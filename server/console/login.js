// The login form: clear errors for wrong credentials (401), lockout (429) and network
// problems; a notice explains why the login page is shown again (session ended, logged out).

import { api, ApiError, errorText } from "./api.js";
import { $ } from "./dom.js";
import { t } from "./i18n.js";

let busy = false;

export function showLogin(notice) {
  $("#app-view").hidden = true;
  $("#login-view").hidden = false;
  const box = $("#login-notice");
  box.textContent = notice || "";
  box.hidden = !notice;
  $("#login-password").value = "";
  $("#login-error").textContent = "";
  $("#login-username").focus();
}

function loginErrorText(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return t("login_wrong");
    if (error.status === 429) return t("login_locked");
    if (error.status === 0) return t("err_network");
  }
  return errorText(error);
}

export function initLogin(onLoggedIn) {
  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const username = $("#login-username").value.trim();
    const password = $("#login-password").value;
    const error = $("#login-error");
    if (!username || !password) {
      error.textContent = t("login_missing");
      (username ? $("#login-password") : $("#login-username")).focus();
      return;
    }
    busy = true;
    $("#login-submit").setAttribute("aria-disabled", "true");
    error.textContent = "";
    try {
      await api("POST", "/api/v1/staff/login", { username, password }, { quiet401: true });
      $("#login-password").value = "";
      $("#login-notice").hidden = true;
      await onLoggedIn();
    } catch (failure) {
      error.textContent = loginErrorText(failure);
      $("#login-password").focus();
    } finally {
      busy = false;
      $("#login-submit").removeAttribute("aria-disabled");
    }
  });
}
