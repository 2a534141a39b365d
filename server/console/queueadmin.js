// Service queues for supervisors and admins: the list (hours, topics, members, waiting),
// create and edit (queueform.js), the staff who serve each queue, and delete — a queue that
// still has chats or staff is refused, and the reason is shown.

import { api, errorText } from "./api.js";
import { $, announce, h, openDialog, syncList } from "./dom.js";
import { t, topicLabel } from "./i18n.js";
import { confirmAction, pageAlert } from "./pageshell.js";
import { QueueForm, queueName } from "./queueform.js";

const CHAT_ROLES = ["staff", "supervisor", "admin"];

export class QueueAdmin {
  constructor() {
    this.items = [];
    this.staff = [];
    this.members = null; // the queue whose members are being edited
    this.form = new QueueForm((queue) => {
      announce(t("qa_saved", { name: queueName(queue) }));
      this.load();
    });
    $("#queue-new").addEventListener("click", () => this.form.open(null, this.items));
    $("#queue-members-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveMembers();
    });
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.items = (await api("GET", "/api/v1/supervisor/queues")).items;
      this.render();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }

  render() {
    syncList($("#queue-rows"), this.items, (q) => q.id, () => this.createRow(), (tr, q) => {
      const cells = tr.children;
      const tags = [q.default ? t("qa_default") : "", q.crisis ? t("qa_crisis_tag") : "",
        q.public ? "" : t("qa_hidden_tag")].filter(Boolean);
      cells[0].replaceChildren(h("strong", {}, queueName(q)),
        ...tags.map((tag) => h("span", { class: "tag" }, tag)));
      cells[1].textContent = q.id;
      cells[2].textContent = q.hours ? t("qa_hours_own_short") : t("qa_hours_service_short");
      cells[3].textContent = q.topics.length ? q.topics.map(topicLabel).join(", ")
        : t(q.default ? "qa_topics_rest" : "qa_topics_none");
      cells[4].textContent = String(q.members.length);
      cells[5].textContent = String(q.waiting);
      const [edit, members, remove] = tr.querySelectorAll("button");
      const name = queueName(q);
      edit.textContent = t("edit");
      edit.setAttribute("aria-label", t("edit_named", { name }));
      members.textContent = t("qa_members_button");
      members.setAttribute("aria-label", t("qa_members_title", { name }));
      remove.textContent = t("delete");
      remove.setAttribute("aria-label", t("qa_delete_named", { name }));
      remove.hidden = q.default;
    });
  }

  createRow() {
    const tr = h("tr", {}, h("td"), h("td"), h("td"), h("td"), h("td", { class: "num" }),
      h("td", { class: "num" }));
    const button = (handler) => {
      const b = h("button", { type: "button", class: "button" });
      b.addEventListener("click", () => handler(this.items.find((q) => q.id === tr.dataset.key)));
      return b;
    };
    tr.append(h("td", {}, h("div", { class: "row" }, button((q) => this.form.open(q, this.items)),
      button((q) => this.openMembers(q)), button((q) => this.remove(q)))));
    return tr;
  }

  async openMembers(queue) {
    this.members = queue;
    $("#queue-members-title").textContent = t("qa_members_title", { name: queueName(queue) });
    $("#queue-members-error").textContent = "";
    try {
      const accounts = (await api("GET", "/api/v1/supervisor/staff")).items;
      this.staff = accounts.filter((s) => s.active && s.roles.some((r) => CHAT_ROLES.includes(r)));
    } catch (error) {
      pageAlert(errorText(error));
      return;
    }
    // The list gives members as usernames when the server sends `member_usernames`;
    // otherwise only how many there are (ids) is known.
    const known = queue.member_usernames
      || (queue.members.every((m) => this.staff.some((s) => s.username === m)) ? queue.members : null);
    const chosen = new Set(known || []);
    $("#queue-members-hint").textContent = known
      ? t("qa_members_hint") : t("qa_members_unknown", { n: queue.members.length });
    $("#queue-members").replaceChildren(...this.staff.map((s) => {
      const id = `queue-member-${s.username}`;
      return h("div", { class: "check check--option" },
        h("input", { type: "checkbox", id, value: s.username, checked: chosen.has(s.username) }),
        h("label", { for: id }, h("span", { class: "option__title" }, s.display_name),
          h("span", { class: "option__text" }, s.username)));
    }));
    if (!this.staff.length) $("#queue-members").append(h("p", { class: "hint" }, t("qa_no_staff")));
    openDialog($("#queue-members-dialog"), $("#queue-members input") || $("#queue-members-hint"));
  }

  async saveMembers() {
    const queue = this.members;
    if (!queue) return;
    const members = [...document.querySelectorAll("#queue-members input:checked")].map((i) => i.value);
    try {
      await api("PUT", `/api/v1/supervisor/queues/${encodeURIComponent(queue.id)}/members`, { members });
      $("#queue-members-dialog").close();
      announce(t("qa_members_saved", { name: queueName(queue), n: members.length }));
      this.load();
    } catch (error) {
      $("#queue-members-error").textContent = errorText(error, "queue");
    }
  }

  async remove(queue) {
    const name = queueName(queue);
    if (!(await confirmAction(t("qa_delete_confirm", { name }), t("delete")))) return;
    try {
      await api("DELETE", `/api/v1/supervisor/queues/${encodeURIComponent(queue.id)}`);
      announce(t("qa_deleted", { name }));
      pageAlert("");
      this.load();
    } catch (error) {
      pageAlert(error.status === 409 ? refusal(error, queue, name) : errorText(error, "queue"));
    }
  }
}

// Why a delete was refused, in the UI language: the counts from the answer when the server
// gives them, else from its message, else from the list.
function refusal(error, queue, name) {
  const data = error.data || {};
  const parsed = /(\d+) open chats and (\d+) staff/.exec(data.message || "");
  const chats = data.open_chats ?? (parsed ? Number(parsed[1]) : queue.waiting);
  const staff = data.members ?? (parsed ? Number(parsed[2]) : queue.members.length);
  return t("qa_delete_refused", { name, chats, staff });
}
