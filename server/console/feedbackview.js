// Residents' feedback for supervisors: today's scores (count, average, how many of each)
// and the newest feedback with its comment. The server anonymises the comments and sends
// no chat id or staff name with them.

import { api, errorText } from "./api.js";
import { $, formatDateTime, h, localeFor } from "./dom.js";
import { lang, langName, t } from "./i18n.js";
import { pageAlert } from "./pageshell.js";

export class FeedbackView {
  constructor() {
    this.data = null;
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.data = await api("GET", "/api/v1/supervisor/feedback?limit=100");
      this.render();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }

  render() {
    if (!this.data) return;
    const { today, items } = this.data;
    const locale = localeFor(lang());
    const average = today.average === null ? "–"
      : today.average.toLocaleString(locale, { maximumFractionDigits: 2 });
    const stats = [[t("fb_today_count"), String(today.count)], [t("fb_today_average"), average],
      ...["5", "4", "3", "2", "1"].map((n) => [t("fb_score_n", { n }), String(today.scores[n] ?? 0)])];
    $("#fb-today").replaceChildren(...stats.map(([label, value]) =>
      h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value))));
    $("#fb-empty").hidden = items.length > 0;
    $("#fb-rows").replaceChildren(...items.map((item) => h("tr", {},
      h("td", {}, formatDateTime(item.created_at, locale)),
      h("td", {}, t("fb_score_of", { n: item.score })),
      h("td", {}, langName(item.lang)),
      h("td", { class: "feedback__comment" }, item.comment || t("fb_no_comment")))));
  }
}
