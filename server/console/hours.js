// Service hours (weekly table + exceptions: whole closed days or a closed time range) and
// the announcement line shown to residents in the widget (fi/sv/en).

import { api, errorText } from "./api.js";
import { $, announce } from "./dom.js";
import { LANGS, lang, t } from "./i18n.js";
import { HoursEditor } from "./hourseditor.js";
import { confirmAction, pageAlert } from "./pageshell.js";

export class ServiceAdmin {
  constructor() {
    this.settings = null;
    this.editor = new HoursEditor({
      always: $("#hours-always"), tz: $("#hours-tz"), weekly: $("#hours-weekly"),
      days: $("#hours-days"), exceptions: $("#hours-exceptions"), add: $("#exception-add"),
    });
    $("#hours-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveHours();
    });
    $("#hours-reset").addEventListener("click", () => this.resetHours());
    $("#announcement-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveAnnouncement();
    });
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.apply(await api("GET", "/api/v1/supervisor/service"));
    } catch (error) {
      pageAlert(errorText(error));
    }
  }

  apply(settings) {
    this.settings = settings;
    this.editor.set(settings.hours);
    $("#hours-form").hidden = false; // hidden until the saved hours are in (no stale edits)
    for (const code of LANGS) $(`#ann-${code}`).value = settings.announcement[code] || "";
    this.render();
  }

  render() {
    const s = this.settings;
    if (!s) return;
    $("#service-status").textContent = `${t(s.open_now ? "ov_open" : "ov_closed")}. ${s.hours_text[lang()] || ""}`;
    $("#hours-source").textContent = t(s.source === "database" ? "hours_source_db" : "hours_source_env");
    this.editor.relabel();
  }

  async saveHours() {
    const body = this.editor.collect();
    const problem = this.editor.problem(body);
    if (problem) {
      $("#hours-error").textContent = problem;
      return;
    }
    try {
      this.apply(await api("PUT", "/api/v1/supervisor/service/hours", body));
      $("#hours-error").textContent = "";
      announce(t("hours_saved"));
    } catch (error) {
      $("#hours-error").textContent = errorText(error, "hours");
    }
  }

  // One click would wipe the saved weekly hours and exceptions: ask first.
  async resetHours() {
    if (!(await confirmAction(t("hours_reset_confirm"), t("hours_reset")))) return;
    try {
      this.apply(await api("DELETE", "/api/v1/supervisor/service/hours"));
      $("#hours-error").textContent = "";
      announce(t("hours_reset_done"));
    } catch (error) {
      $("#hours-error").textContent = errorText(error, "hours");
    }
  }

  async saveAnnouncement() {
    const body = {};
    for (const code of LANGS) body[code] = $(`#ann-${code}`).value.trim() || null;
    try {
      // Only the announcement part: unsaved changes to the hours stay in the form.
      this.settings = await api("PUT", "/api/v1/supervisor/service/announcement", body);
      this.render();
      $("#announcement-error").textContent = "";
      announce(t("announcement_saved"));
    } catch (error) {
      $("#announcement-error").textContent = errorText(error);
    }
  }
}
