// Closing a chat requires statistics tags: one or more topics (the safety and service
// intents plus "other"; the bot's topic is ticked to begin with, ticked topics are shown as
// chips above the list) and an outcome ("referred" also needs the service referred to).

import { $, h, openDialog } from "./dom.js";
import { onLangChange, t, topicLabel } from "./i18n.js";
import { TAG_GROUPS, TAG_TOPICS } from "./topics.js";

export const OUTCOMES = [
  "solved_first_contact", "referred", "needs_identification", "no_answer_from_resident", "other",
];

export class CloseDialog {
  constructor(app) {
    this.app = app;
    this.dialog = $("#close-dialog");
    this.errorBox = $("#close-error");
    this.topicList = $("#close-topic-list");
    this.filter = $("#close-topic-filter");
    this.chat = null;
    this.waiting = false;
    this.chosen = $("#close-topic-chosen");
    this.filter.addEventListener("input", () => this.applyFilter());
    this.topicList.addEventListener("change", () => this.renderChosen());
    this.filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault(); // do not submit from the filter
    });
    $("#close-outcome-list").addEventListener("change", () => this.showReferred());
    $("#close-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.dialog.addEventListener("close", () => {
      this.chat = null;
      this.waiting = false;
    });
    onLangChange(() => this.dialog.open && this.build(this.selected()));
  }

  open(chat) {
    if (!chat || (chat.ended && chat.ended !== "resident")) return;
    this.chat = chat;
    this.waiting = false;
    this.errorBox.textContent = "";
    this.filter.value = "";
    $("#close-referred").value = "";
    $("#close-transcript").href = `/api/v1/staff/chats/${encodeURIComponent(chat.id)}/transcript.txt`;
    // The topic the bot detected is ticked to begin with (a statistics topic only).
    this.build({ topics: TAG_TOPICS.includes(chat.topic) ? [chat.topic] : [], outcome: null });
    openDialog(this.dialog, this.filter);
  }

  selected() {
    return {
      topics: [...this.topicList.querySelectorAll("input:checked")].map((i) => i.value),
      outcome: $("#close-outcome-list input:checked")?.value || null,
    };
  }

  build({ topics, outcome }) {
    const suggested = TAG_TOPICS.includes(this.chat?.topic) ? this.chat.topic : null;
    $("#close-topics-hint").textContent = suggested
      ? t("close_suggested", { topic: topicLabel(suggested) })
      : t("close_topics_hint");
    const box = (topic) => {
      const id = `close-topic-${topic}`;
      return h("div", { class: "check", dataset: { label: topicLabel(topic).toLowerCase() } },
        h("input", { type: "checkbox", id, value: topic, checked: topics.includes(topic) }),
        h("label", { for: id }, topicLabel(topic)));
    };
    const groups = TAG_GROUPS.map(([key, names]) => {
      const sorted = [...names].sort((a, b) => (b === suggested) - (a === suggested)
        || topicLabel(a).localeCompare(topicLabel(b)));
      return h("div", { class: "topic-group", role: "group", "aria-labelledby": `tg-${key}` },
        h("h3", { class: "topic-group__title", id: `tg-${key}` }, t(key)), sorted.map(box));
    });
    groups.push(h("div", { class: "topic-group" }, box("other")));
    this.topicList.replaceChildren(...groups);
    $("#close-outcome-list").replaceChildren(...OUTCOMES.map((name) => {
      const id = `close-outcome-${name}`;
      return h("div", { class: "check" },
        h("input", { type: "radio", name: "close-outcome", id, value: name, checked: outcome === name }),
        h("label", { for: id }, t(`outcome_${name}`)));
    }));
    this.applyFilter();
    this.renderChosen();
    this.showReferred();
  }

  // Ticked topics stay in view above the (scrolling, filtered) list; a chip unticks.
  renderChosen() {
    const topics = this.selected().topics;
    this.chosen.hidden = topics.length === 0;
    this.chosen.replaceChildren(h("span", { class: "chips__label" }, t("close_chosen")),
      ...topics.map((topic) => {
        const chip = h("button", { type: "button", class: "chip",
          "aria-label": t("close_unpick", { topic: topicLabel(topic) }) },
        topicLabel(topic), h("span", { "aria-hidden": "true" }, " ✕"));
        chip.addEventListener("click", () => {
          const box = this.topicList.querySelector(`input[value="${topic}"]`);
          if (box) box.checked = false;
          this.renderChosen();
          this.applyFilter();
          (this.chosen.querySelector("button") || this.filter).focus();
        });
        return chip;
      }));
  }

  applyFilter() {
    const q = this.filter.value.trim().toLowerCase();
    for (const item of this.topicList.querySelectorAll(".check")) {
      const checked = item.querySelector("input").checked;
      item.hidden = Boolean(q) && !checked && !item.dataset.label.includes(q)
        && !item.querySelector("input").value.includes(q);
    }
    for (const group of this.topicList.querySelectorAll(".topic-group")) {
      group.hidden = ![...group.querySelectorAll(".check")].some((c) => !c.hidden);
    }
  }

  showReferred() {
    $("#close-referred-field").hidden = this.selected().outcome !== "referred";
  }

  submit() {
    if (!this.chat || this.waiting) return;
    const { topics, outcome } = this.selected();
    const referred = $("#close-referred").value.trim();
    let problem = null;
    if (!topics.length) problem = ["close_need_topic", this.filter];
    else if (!outcome) problem = ["close_need_outcome", $("#close-outcome-list input")];
    else if (outcome === "referred" && !referred) problem = ["close_need_referred", $("#close-referred")];
    if (problem) {
      this.errorBox.textContent = t(problem[0]);
      problem[1].focus();
      return;
    }
    const tags = { topics, outcome };
    if (outcome === "referred") tags.referred_to = referred;
    if (!this.app.send({ type: "chat.close", chat_id: this.chat.id, tags })) {
      this.errorBox.textContent = t("err_offline");
      return;
    }
    this.waiting = true;
    this.errorBox.textContent = t("working");
  }

  done(chatId) {
    if (this.chat?.id === chatId && this.dialog.open) this.dialog.close();
  }

  error(chatId, text) {
    if (this.chat?.id !== chatId || !this.dialog.open) return;
    this.waiting = false;
    this.errorBox.textContent = text;
  }
}
