// The dialog that creates or edits a service queue: id, names and descriptions (fi/sv/en),
// the bot topics routed to it (safety topics cannot be chosen: they always go to the crisis
// queue), crisis, public, position, own hours (the hours editor) or the service hours, and
// the announcement (fi/sv/en). Edits send the revision they started from (409: reload).

import { api, errorText } from "./api.js";
import { $, h, openDialog } from "./dom.js";
import { LANGS, applyTexts, lang, t, topicLabel } from "./i18n.js";
import { HoursEditor } from "./hourseditor.js";
import { SAFETY, SERVICE } from "./topics.js";

const DEFAULT = "default";
const NEW_HOURS = {
  always: false, tz: "Europe/Helsinki", exceptions: [],
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((day, i) =>
    [day, i < 5 ? [{ from: "08:00", to: "16:00" }] : []])),
};

export class QueueForm {
  constructor(saved) {
    this.saved = saved; // called with the stored queue
    this.editing = null;
    this.others = [];
    this.hours = null;
    // The hours editor exists only while the dialog is open (its labels would otherwise
    // repeat the service hours form's on the page).
    $("#queue-dialog").addEventListener("close", () => {
      $("#queue-hours-editor").replaceChildren();
      this.hours = null;
    });
    $("#queue-hours-mode").addEventListener("change", () => this.syncHours());
    $("#queue-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  open(queue, all) {
    this.editing = queue;
    this.others = all.filter((q) => q.id !== queue?.id);
    const isDefault = queue?.default === true;
    $("#queue-dialog-title").textContent = queue
      ? t("qa_edit_title", { name: queueName(queue) }) : t("qa_new");
    $("#queue-id-field").hidden = Boolean(queue);
    $("#queue-id").value = "";
    for (const code of LANGS) {
      $(`#queue-name-${code}`).value = queue?.names?.[code] || "";
      $(`#queue-desc-${code}`).value = queue?.descriptions?.[code] || "";
      $(`#queue-ann-${code}`).value = queue?.announcement?.[code] || "";
    }
    this.renderTopics(new Set(queue?.topics || []));
    $("#queue-crisis").checked = Boolean(queue?.crisis);
    $("#queue-public").checked = queue ? queue.public : true;
    $("#queue-public").disabled = isDefault; // the default queue is always listed
    $("#queue-position").value = String(queue?.position ?? (Math.max(0, ...all.map((q) => q.position)) + 10));
    $("#queue-hours-default").hidden = !isDefault;
    $("#queue-hours-mode").hidden = isDefault;
    $(queue?.hours ? "#queue-hours-own" : "#queue-hours-service").checked = true;
    this.hours = this.hoursEditor();
    this.hours.set(queue?.hours || NEW_HOURS);
    this.syncHours();
    $("#queue-error").textContent = "";
    openDialog($("#queue-dialog"), queue ? $("#queue-name-fi") : $("#queue-id"));
  }

  // Service topics as checkboxes (one taken by another queue says which); safety topics
  // shown but disabled, with the note that they always go to the crisis queue.
  renderTopics(chosen) {
    const takenBy = new Map();
    for (const q of this.others) for (const topic of q.topics) takenBy.set(topic, queueName(q));
    const box = (topic, checked, disabled) => {
      const id = `queue-topic-${topic}`;
      const other = takenBy.get(topic);
      return h("div", { class: "check" },
        h("input", { type: "checkbox", id, value: topic, checked, disabled, dataset: { topic } }),
        h("label", { for: id }, topicLabel(topic),
          other && !disabled ? h("span", { class: "option__text" }, ` (${t("qa_topic_taken", { name: other })})`) : ""));
    };
    $("#queue-topics").replaceChildren(...[...SERVICE]
      .sort((a, b) => topicLabel(a).localeCompare(topicLabel(b), lang()))
      .map((topic) => box(topic, chosen.has(topic), false)));
    $("#queue-safety-topics").replaceChildren(...SAFETY.map((topic) => box(topic, false, true)));
  }

  hoursEditor() {
    const box = $("#queue-hours-editor");
    box.replaceChildren($("#queue-hours-template").content.cloneNode(true));
    applyTexts(box);
    return new HoursEditor({
      always: $("#qh-always"), tz: $("#qh-tz"), weekly: $("#qh-weekly"), days: $("#qh-days"),
      exceptions: $("#qh-exceptions"), add: $("#qh-exception-add"),
    });
  }

  syncHours() {
    const own = $("#queue-hours-own").checked && !this.editing?.default;
    $("#queue-hours-editor").hidden = !own;
  }

  collect() {
    const texts = (prefix) => Object.fromEntries(LANGS.map((code) =>
      [code, $(`#${prefix}-${code}`).value.trim()]));
    const announcement = texts("queue-ann");
    const body = {
      names: texts("queue-name"),
      descriptions: texts("queue-desc"),
      announcement: Object.values(announcement).some(Boolean) ? announcement : null,
      topics: [...document.querySelectorAll("#queue-topics input:checked")].map((i) => i.value),
      crisis: $("#queue-crisis").checked,
      position: Number($("#queue-position").value),
    };
    if (!this.editing?.default) {
      body.public = $("#queue-public").checked;
      body.hours = $("#queue-hours-own").checked ? this.hours.collect() : null;
    }
    return body;
  }

  problem(body) {
    if (!this.editing && !/^[a-z0-9_-]{1,32}$/.test($("#queue-id").value.trim())) return t("qa_id_invalid");
    if (!body.names.fi) return t("qa_name_required");
    if (!Number.isInteger(body.position) || body.position < 0 || body.position > 1000) {
      return t("qa_position_range");
    }
    return body.hours ? this.hours.problem(body.hours) : null;
  }

  async save() {
    const body = this.collect();
    const error = $("#queue-error");
    const problem = this.problem(body);
    if (problem) {
      error.textContent = problem;
      return;
    }
    try {
      let queue;
      if (this.editing) {
        body.revision = this.editing.revision;
        queue = await api("PUT", `/api/v1/supervisor/queues/${encodeURIComponent(this.editing.id)}`, body);
      } else {
        body.id = $("#queue-id").value.trim();
        queue = await api("POST", "/api/v1/supervisor/queues", body);
      }
      $("#queue-dialog").close();
      this.saved(queue);
    } catch (failure) {
      error.textContent = errorText(failure, "queue");
    }
  }
}

export function queueName(queue) {
  return queue.names?.[lang()] || queue.names?.fi || queue.id;
}

export { DEFAULT };
