// The hours editor: "always open", time zone, weekly ranges per day and exceptions (a whole
// closed day or a closed time range). Used for the service hours (hours.js) and for a service
// queue's own hours (queueadmin.js); each gives its own elements.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
let counter = 0; // element ids stay unique across every editor on the page

export class HoursEditor {
  // els: {always, tz, weekly (fieldset), days, exceptions, add (button)}
  constructor(els) {
    this.els = els;
    els.add.addEventListener("click", () => {
      const row = this.exceptionRow({ date: "", from: null, to: null, note: "" });
      els.exceptions.append(row);
      row.querySelector("input").focus();
    });
    els.always.addEventListener("change", () => this.syncAlways());
  }

  set(hours) {
    const { els } = this;
    els.always.checked = hours.always;
    els.tz.value = hours.tz;
    els.days.replaceChildren(...DAYS.map((day) => this.dayRow(day, hours.weekly[day] || [])));
    els.exceptions.replaceChildren(...hours.exceptions.map((e) => this.exceptionRow(e)));
    this.syncAlways();
  }

  relabel() {
    for (const row of this.els.days.children) {
      row.querySelector(".hours-day__name").textContent = t(`day_${row.dataset.day}`);
    }
  }

  syncAlways() {
    this.els.weekly.disabled = this.els.always.checked;
  }

  dayRow(day, ranges) {
    const list = h("div", { class: "row" });
    const row = h("div", { class: "hours-day", dataset: { day } },
      h("p", { class: "hours-day__name" }, t(`day_${day}`)), list);
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
    const n = ++counter;
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
    const n = ++counter;
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
      this.els.add.focus();
    });
    return row;
  }

  collect() {
    const { els } = this;
    const weekly = {};
    for (const row of els.days.children) {
      weekly[row.dataset.day] = [...row.querySelectorAll(".range")].map((r) => ({
        from: r.querySelector(".range__from").value, to: r.querySelector(".range__to").value,
      }));
    }
    const exceptions = [...els.exceptions.children].map((row) => {
      const from = row.querySelector(".x-from").value || null;
      const to = row.querySelector(".x-to").value || null;
      return { date: row.querySelector(".x-date").value, from, to,
        note: row.querySelector(".x-note").value.trim() || null };
    });
    return { always: els.always.checked, tz: els.tz.value.trim() || "Europe/Helsinki",
      weekly, exceptions };
  }

  // A problem the server would refuse less readably (null: fine).
  problem(hours) {
    const bad = hours.exceptions.find((e) => !e.date || (e.from === null) !== (e.to === null));
    return bad ? t("exception_incomplete") : null;
  }
}
