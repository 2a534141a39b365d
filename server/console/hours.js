// Service hours (weekly table + exceptions: whole closed days or a closed time range) and
// the announcement line shown to residents in the widget (fi/sv/en).

import { api, errorText } from "./api.js";
import { $, announce, h } from "./dom.js";
import { LANGS, lang, t } from "./i18n.js";
import { confirmAction, pageAlert } from "./pageshell.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export class ServiceAdmin {
  constructor() {
    this.settings = null;
    this.counter = 0;
    $("#hours-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveHours();
    });
    $("#hours-reset").addEventListener("click", () => this.resetHours());
    $("#exception-add").addEventListener("click", () => {
      const row = this.exceptionRow({ date: "", from: null, to: null, note: "" });
      $("#hours-exceptions").append(row);
      row.querySelector("input").focus();
    });
    $("#hours-always").addEventListener("change", () => this.syncAlways());
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
    const hours = settings.hours;
    $("#hours-always").checked = hours.always;
    $("#hours-tz").value = hours.tz;
    $("#hours-days").replaceChildren(...DAYS.map((day) => this.dayRow(day, hours.weekly[day] || [])));
    $("#hours-exceptions").replaceChildren(...hours.exceptions.map((e) => this.exceptionRow(e)));
    for (const code of LANGS) $(`#ann-${code}`).value = settings.announcement[code] || "";
    this.syncAlways();
    this.render();
  }

  render() {
    const s = this.settings;
    if (!s) return;
    $("#service-status").textContent = `${t(s.open_now ? "ov_open" : "ov_closed")}. ${s.hours_text[lang()] || ""}`;
    $("#hours-source").textContent = t(s.source === "database" ? "hours_source_db" : "hours_source_env");
    for (const row of $("#hours-days").children) row.querySelector(".hours-day__name").textContent = t(`day_${row.dataset.day}`);
  }

  syncAlways() {
    $("#hours-weekly").disabled = $("#hours-always").checked;
  }

  dayRow(day, ranges) {
    const list = h("div", { class: "row" });
    const row = h("div", { class: "hours-day", dataset: { day } },
      h("p", { class: "hours-day__name", id: `day-${day}` }, t(`day_${day}`)), list);
    const add = h("button", { type: "button", class: "button" }, t("range_add"));
    add.setAttribute("aria-label", `${t("range_add")}: ${t(`day_${day}`)}`);
    add.addEventListener("click", () => {
      const range = this.rangeInputs(day, { from: "08:00", to: "16:00" });
      list.append(range);
      range.querySelector("input").focus();
    });
    for (const r of ranges) list.append(this.rangeInputs(day, r));
    row.append(add);
    return row;
  }

  rangeInputs(day, range) {
    const n = ++this.counter;
    const dayName = t(`day_${day}`);
    const from = h("input", { type: "time", id: `r${n}-from`, value: range.from, class: "range__from" });
    const to = h("input", { type: "time", id: `r${n}-to`, value: range.to, class: "range__to" });
    const remove = h("button", { type: "button", class: "button" }, t("remove"));
    remove.setAttribute("aria-label", `${t("remove")}: ${dayName} ${range.from}–${range.to}`);
    const wrap = h("span", { class: "range" },
      h("label", { for: from.id, class: "sr-only" }, `${dayName}, ${t("from")}`), from, "–",
      h("label", { for: to.id, class: "sr-only" }, `${dayName}, ${t("to")}`), to, remove);
    remove.addEventListener("click", () => {
      const next = wrap.nextElementSibling || wrap.parentElement.parentElement.querySelector("button:last-child");
      wrap.remove();
      next?.focus?.();
    });
    return wrap;
  }

  exceptionRow(e) {
    const n = ++this.counter;
    const field = (key, input) => h("div", { class: "field" }, h("label", { for: input.id }, t(key)), input);
    const date = h("input", { type: "date", id: `x${n}-date`, value: e.date, class: "x-date" });
    const from = h("input", { type: "time", id: `x${n}-from`, value: e.from || "", class: "x-from" });
    const to = h("input", { type: "time", id: `x${n}-to`, value: e.to || "", class: "x-to" });
    const note = h("input", { id: `x${n}-note`, value: e.note || "", maxlength: 100, class: "x-note" });
    const remove = h("button", { type: "button", class: "button" }, t("remove"));
    const row = h("div", { class: "exception" }, field("exception_date", date),
      field("exception_from", from), field("exception_to", to), field("exception_note", note), remove);
    remove.setAttribute("aria-label", `${t("remove")}: ${e.date || t("exception_new")}`);
    remove.addEventListener("click", () => {
      row.remove();
      $("#exception-add").focus();
    });
    return row;
  }

  collect() {
    const weekly = {};
    for (const row of $("#hours-days").children) {
      weekly[row.dataset.day] = [...row.querySelectorAll(".range")].map((r) => ({
        from: r.querySelector(".range__from").value, to: r.querySelector(".range__to").value,
      }));
    }
    const exceptions = [...$("#hours-exceptions").children].map((row) => {
      const from = row.querySelector(".x-from").value || null;
      const to = row.querySelector(".x-to").value || null;
      return { date: row.querySelector(".x-date").value, from, to,
        note: row.querySelector(".x-note").value.trim() || null };
    });
    return { always: $("#hours-always").checked, tz: $("#hours-tz").value.trim() || "Europe/Helsinki",
      weekly, exceptions };
  }

  async saveHours() {
    const body = this.collect();
    const bad = body.exceptions.find((e) => !e.date || (e.from === null) !== (e.to === null));
    if (bad) {
      $("#hours-error").textContent = t("exception_incomplete");
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
