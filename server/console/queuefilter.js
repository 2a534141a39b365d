// Which service queues the queue list shows ("my queues" by default, one queue, or all;
// remembered in localStorage) and a summary line per queue: how many wait and the longest
// wait. Shown only when the county runs more than one service.

import { $, formatDuration, h, safeStorageGet, safeStorageSet, syncList } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { DEFAULT_QUEUE } from "./services.js";

const STORAGE_KEY = "neuvo.console.queueFilter";

export class QueueFilter {
  constructor(services, changed) {
    this.services = services;
    this.changed = changed;
    this.value = safeStorageGet(STORAGE_KEY) || "mine";
    this.select = $("#queue-filter");
    this.select.addEventListener("change", () => {
      this.value = this.select.value;
      safeStorageSet(STORAGE_KEY, this.value);
      this.changed();
    });
    services.onChange(() => this.changed());
    onLangChange(() => this.changed());
  }

  // Queue ids the current choice covers.
  scope() {
    if (this.value === "all") return this.services.ids();
    if (this.value.startsWith("q:")) {
      const id = this.value.slice(2);
      if (this.services.ids().includes(id)) return [id];
    }
    return this.services.myIds();
  }

  shows(item) {
    return this.scope().includes(item.queue || DEFAULT_QUEUE);
  }

  label() {
    if (this.value === "all") return t("qf_all");
    if (this.value.startsWith("q:") && this.scope().length === 1
      && this.value.slice(2) === this.scope()[0]) return this.services.name(this.scope()[0]);
    return t("qf_mine");
  }

  render(items, waited) {
    const several = this.services.several();
    $("#queue-filter-field").hidden = !several;
    $("#queue-summary").hidden = !several;
    if (!several) return;
    this.renderOptions();
    const rows = this.scope().map((id) => {
      const mine = items.filter((i) => (i.queue || DEFAULT_QUEUE) === id);
      return { id, n: mine.length, longest: Math.max(0, ...mine.map(waited)) };
    });
    syncList($("#queue-summary"), rows, (r) => r.id,
      () => h("li", { class: "qsummary__row" }, h("span", { class: "qsummary__name" }),
        h("span", { class: "qsummary__wait" })),
      (el, r) => {
        el.querySelector(".qsummary__name").textContent = this.services.name(r.id);
        el.querySelector(".qsummary__wait").textContent = r.n
          ? t("qf_waiting", { n: r.n, time: formatDuration(r.longest) }) : t("qf_nobody");
        el.classList.toggle("qsummary__row--waiting", r.n > 0);
      });
  }

  renderOptions() {
    const ids = this.services.ids();
    const wanted = [["mine", t("qf_mine")], ...ids.map((id) => [`q:${id}`, this.services.name(id)]),
      ["all", t("qf_all")]];
    const same = this.select.options.length === wanted.length
      && wanted.every(([value, text], i) => this.select.options[i].value === value
        && this.select.options[i].textContent === text);
    if (!same) {
      this.select.replaceChildren(...wanted.map(([value, text]) => h("option", { value }, text)));
    }
    const valid = wanted.some(([value]) => value === this.value);
    this.select.value = valid ? this.value : "mine";
  }
}
