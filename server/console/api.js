// The staff HTTP API: JSON in and out, the CSRF header on every state-changing call,
// and one place that notices an ended session (401).

import { t } from "./i18n.js";

let csrfToken = "";
let sessionEnded = () => {};

export function setCsrf(token) {
  csrfToken = token || "";
}

export function onSessionEnded(callback) {
  sessionEnded = callback;
}

export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.detail = detail || "";
  }
}

// A readable explanation in the UI language. The server's own (English) words never reach
// the screen: they go to the browser console for whoever is debugging. `context` picks a
// more specific text where one exists (e.g. "staff" → err_staff_conflict).
export function errorText(error, context = "") {
  if (!(error instanceof ApiError)) return t("err_unavailable");
  logServerError(error.code, error.detail);
  const specific = context ? t(`err_${context}_${error.code}`, {}, null) : null;
  return specific ?? t(`err_${error.code}`, {}, null) ?? t("err_unavailable");
}

export function logServerError(code, message) {
  if (message && message !== code) console.info(`Neuvo server: ${code}: ${message}`);
}

// `raw` sends a Blob/File as is (e.g. a zip upload) with its own content type.
export async function api(method, path, body, { quiet401 = false, raw = null, type = "" } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw) headers["content-type"] = type;
  if (method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: raw || (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = (data && data.error) || (response.status === 404 ? "not_found" : "http");
    const error = new ApiError(response.status, code, data && data.message);
    error.data = data;
    if (response.status === 401 && !quiet401) sessionEnded("api");
    throw error;
  }
  return data;
}
