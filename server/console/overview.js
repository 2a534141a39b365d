// Supervisor overview: the service queues (length, longest wait, open now, staff on duty),
// the queue, chats in progress, staff on duty and today's volumes, polled every 2 s; rows
// are updated in place so focus stays put. Reassign from here, also to another service.

import { api, errorText } from "./api.js";
import { $, announce, formatDuration, h, openDialog, syncList } from "./dom.js";
import { lang, langName, t, topicLabel } from "./i18n.js";
import { pageAlert } from "./pageshell.js";

const POLL_MS = 2_000;

export class Overview {
  constructor() {
    this.data = null;
    this.target = null;
    $("#reassign-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.reassign();
    });
    $("#reassign-to").addEventListener("change", () => this.syncQueueChoice());
  }

  start() {
    this.poll();
    setInterval(() => this.poll(), POLL_MS);
  }

  show() {
    this.render();
  }

  async poll() {
    if (document.visibilityState !== "visible" && this.data) return;
    try {
      this.data = await api("GET", "/api/v1/supervisor/overview");
      this.failed = false;
      this.render();
    } catch (error) {
      if (!this.failed) pageAlert(errorText(error));
      this.failed = true;
    }
  }

  render() {
    const d = this.data;
    if (!d) return;
    const today = d.today;
    const stats = [
      ["ov_queue_length", String(d.queue.length)],
      ["ov_longest_wait", d.queue.length ? formatDuration(d.queue.longest_wait_s) : "–"],
      ["ov_on_duty", String(d.staff.length)],
      ["ov_in_progress", String(d.chats.length)],
      ["ov_service", t(d.service.open_now ? "ov_open" : "ov_closed")],
      ["ov_today_chats", String(today.chats)],
      ["ov_today_handed_off", String(today.handed_off)],
      ["ov_today_bot_only", String(today.bot_only)],
      ["ov_today_closed", String(today.closed)],
      ["ov_median_wait", today.median_wait_s === null ? "–" : formatDuration(today.median_wait_s)],
      ["ov_feedback", today.feedback_avg === null ? "–"
        : t("ov_feedback_value", { avg: today.feedback_avg.toFixed(1), n: today.feedback_count })],
    ];
    syncList($("#stats"), stats, ([key]) => key,
      () => h("div", { class: "stat" }, h("dt"), h("dd")),
      (el, [key, value]) => {
        el.querySelector("dt").textContent = t(key);
        el.querySelector("dd").textContent = value;
      });
    this.renderQueues(d.queues || []);
    $("#ov-queue-empty").hidden = d.queue.items.length > 0;
    syncList($("#ov-queue"), d.queue.items, (i) => i.chat_id, () => this.row(6),
      (tr, i) => this.fill(tr, i, [this.topicCell(i), this.queueName(i.queue), langName(i.lang),
        i.municipality || t("municipality_unknown"), formatDuration(i.waited_s)]));
    $("#ov-chats-empty").hidden = d.chats.length > 0;
    syncList($("#ov-chats"), d.chats, (c) => c.chat_id, () => this.row(6),
      (tr, c) => this.fill(tr, c, [this.topicCell(c), this.queueName(c.queue), langName(c.lang),
        c.display_name, formatDuration(c.active_s)]));
    $("#ov-staff-empty").hidden = d.staff.length > 0;
    syncList($("#ov-staff"), d.staff, (s) => s.username, () => this.row(4, false),
      (tr, s) => {
        const cells = tr.children;
        cells[0].textContent = s.display_name;
        cells[1].textContent = t(`presence_${s.status}`);
        cells[2].textContent = `${s.active_chats}/${s.capacity}`;
        cells[3].textContent = s.languages.map(langName).join(", ");
      });
  }

  // One row per service queue: waiting, longest wait, open now, staff on duty serving it.
  renderQueues(queues) {
    $("#ov-queues-wrap").hidden = queues.length < 2;
    syncList($("#ov-queues"), queues, (q) => q.id, () => this.row(5, false), (tr, q) => {
      const cells = tr.children;
      cells[0].textContent = this.queueName(q.id);
      cells[1].textContent = String(q.length);
      cells[2].textContent = q.length ? formatDuration(q.longest_wait_s) : "–";
      cells[3].textContent = t(q.open_now ? "ov_open" : "ov_closed");
      cells[4].textContent = String(q.staff_on_duty);
      tr.classList.toggle("is-warning", q.length > 0 && (!q.open_now || q.staff_on_duty === 0));
    });
  }

  queueName(queueId) {
    const id = queueId || "default";
    const q = (this.data?.queues || []).find((x) => x.id === id);
    return q?.names?.[lang()] || q?.names?.fi || q?.name || id;
  }

  topicCell(item) {
    return [item.priority ? h("span", { class: "tag tag--priority" }, t("priority")) : "",
      topicLabel(item.topic)];
  }

  row(columns, withAction = true) {
    const tr = h("tr");
    for (let i = 0; i < columns - (withAction ? 1 : 0); i += 1) tr.append(h("td"));
    if (withAction) {
      const button = h("button", { type: "button", class: "button" });
      button.addEventListener("click", () => this.open(tr.dataset.key));
      tr.append(h("td", {}, button));
    }
    return tr;
  }

  fill(tr, item, values) {
    tr.classList.toggle("is-priority", Boolean(item.priority));
    values.forEach((value, i) => tr.children[i].replaceChildren(...[value].flat()));
    const button = tr.querySelector("button");
    button.textContent = t("reassign_button");
    button.setAttribute("aria-label", t("reassign_label", { topic: topicLabel(item.topic) }));
  }

  open(chatId) {
    const d = this.data;
    const item = d.chats.find((c) => c.chat_id === chatId) || d.queue.items.find((q) => q.chat_id === chatId);
    if (!item) return;
    this.target = item;
    const select = $("#reassign-to");
    const options = d.staff.filter((s) => s.status === "available" && s.username !== item.username)
      .map((s) => h("option", { value: s.username },
        `${s.display_name} (${s.active_chats}/${s.capacity}; ${s.languages.join(", ")})`));
    const several = (d.queues || []).length > 1;
    if (item.username || several) {
      options.unshift(h("option", { value: "queue" },
        t(item.username ? "transfer_queue" : "reassign_other_queue")));
    }
    select.replaceChildren(...options);
    $("#reassign-queue").replaceChildren(...(several ? d.queues : []).map((q) =>
      h("option", { value: q.id }, q.id === (item.queue || "default")
        ? t("reassign_queue_same", { name: this.queueName(q.id) }) : this.queueName(q.id))));
    $("#reassign-queue").value = item.queue || "default";
    this.syncQueueChoice();
    $("#reassign-what").textContent = t("reassign_what", {
      topic: topicLabel(item.topic), lang: langName(item.lang),
      who: item.display_name || t("reassign_in_queue"),
    });
    $("#reassign-note").value = "";
    $("#reassign-error").textContent = options.length ? "" : t("reassign_nobody");
    openDialog($("#reassign-dialog"), select);
  }

  async reassign() {
    const to = $("#reassign-to").value;
    if (!this.target || !to) {
      $("#reassign-error").textContent = t("reassign_nobody");
      return;
    }
    const body = { to };
    const queue = $("#reassign-queue-field").hidden ? "" : $("#reassign-queue").value;
    const current = this.target.queue || "default";
    if (to === "queue" && queue && queue !== current) body.queue = queue;
    if (to === "queue" && !this.target.username && !body.queue) {
      $("#reassign-error").textContent = t("reassign_choose_queue");
      return;
    }
    const note = $("#reassign-note").value.trim();
    if (note) body.note = note;
    try {
      await api("POST", `/api/v1/supervisor/chats/${encodeURIComponent(this.target.chat_id)}/reassign`, body);
      $("#reassign-dialog").close();
      announce(t("reassign_done"));
      this.poll();
    } catch (error) {
      $("#reassign-error").textContent = errorText(error);
    }
  }

  // The service choice is shown only for "to the queue" when there are several services.
  syncQueueChoice() {
    const several = $("#reassign-queue").options.length > 1;
    $("#reassign-queue-field").hidden = !several || $("#reassign-to").value !== "queue";
  }
}
