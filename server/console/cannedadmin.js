// Canned replies for supervisors: list (filter by language), create, edit, delete.

import { api, errorText } from "./api.js";
import { $, announce, h, openDialog, syncList } from "./dom.js";
import { langName, t } from "./i18n.js";
import { confirmAction, pageAlert } from "./pageshell.js";

export class CannedAdmin {
  constructor() {
    this.items = [];
    this.editing = null;
    $("#canned-new").addEventListener("click", () => this.open(null));
    $("#canned-filter-lang").addEventListener("change", () => this.render());
    $("#canned-edit-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.items = (await api("GET", "/api/v1/supervisor/canned")).items;
      this.render();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }

  render() {
    const lang = $("#canned-filter-lang").value;
    const shown = this.items.filter((i) => !lang || i.lang === lang);
    syncList($("#canned-rows"), shown, (i) => i.id, () => this.createRow(), (tr, item) => {
      tr.children[0].textContent = langName(item.lang);
      tr.children[1].textContent = item.title;
      tr.children[2].textContent = item.text;
      const [edit, remove] = tr.querySelectorAll("button");
      edit.textContent = t("edit");
      edit.setAttribute("aria-label", t("edit_named", { name: item.title }));
      remove.textContent = t("delete");
      remove.setAttribute("aria-label", t("delete_named", { name: item.title }));
    });
  }

  createRow() {
    const tr = h("tr", {}, h("td"), h("td"), h("td", { class: "msg__text" }));
    const find = () => this.items.find((i) => String(i.id) === tr.dataset.key);
    const edit = h("button", { type: "button", class: "button" });
    edit.addEventListener("click", () => this.open(find()));
    const remove = h("button", { type: "button", class: "button button--danger" });
    remove.addEventListener("click", () => this.remove(find()));
    tr.append(h("td", {}, h("div", { class: "row" }, edit, remove)));
    return tr;
  }

  open(item) {
    this.editing = item;
    $("#canned-edit-title").textContent = item ? t("canned_edit", { name: item.title }) : t("canned_new");
    $("#canned-edit-lang").value = item?.lang || $("#canned-filter-lang").value || "fi";
    $("#canned-edit-title-input").value = item?.title || "";
    $("#canned-edit-text").value = item?.text || "";
    $("#canned-edit-error").textContent = "";
    openDialog($("#canned-edit-dialog"), $("#canned-edit-title-input"));
  }

  async save() {
    const body = {
      lang: $("#canned-edit-lang").value,
      title: $("#canned-edit-title-input").value.trim(),
      text: $("#canned-edit-text").value.trim(),
    };
    if (!body.title || !body.text) {
      $("#canned-edit-error").textContent = t("canned_need_fields");
      return;
    }
    try {
      if (this.editing) await api("PUT", `/api/v1/supervisor/canned/${this.editing.id}`, body);
      else await api("POST", "/api/v1/supervisor/canned", body);
      $("#canned-edit-dialog").close();
      announce(t("saved"));
      this.load();
    } catch (error) {
      $("#canned-edit-error").textContent = errorText(error);
    }
  }

  async remove(item) {
    if (!item || !(await confirmAction(t("canned_delete_confirm", { name: item.title }), t("delete")))) return;
    try {
      await api("DELETE", `/api/v1/supervisor/canned/${item.id}`);
      announce(t("deleted"));
      this.load();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }
}
