// Staff accounts: list, create, edit (name, roles, capacity, languages, active) and reset a
// password. Only admins may give or take the admin role (the server checks it too).

import { api, errorText } from "./api.js";
import { $, announce, h, openDialog, syncList } from "./dom.js";
import { LANGS, langName, t } from "./i18n.js";
import { confirmAction, pageAlert } from "./pageshell.js";

const ROLES = ["staff", "supervisor", "editor", "admin"];

export class StaffAdmin {
  constructor(me) {
    this.me = me;
    this.items = [];
    this.editing = null;
    $("#staff-new").addEventListener("click", () => this.open(null));
    $("#staff-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    $("#password-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.savePassword();
    });
  }

  show() {
    this.load();
  }

  async load() {
    try {
      this.items = (await api("GET", "/api/v1/supervisor/staff")).items;
      this.render();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }

  render() {
    syncList($("#staff-rows"), this.items, (s) => s.username, () => this.createRow(), (tr, s) => {
      const cells = tr.children;
      cells[0].textContent = s.display_name;
      cells[1].textContent = s.username;
      cells[2].textContent = s.roles.map((r) => t(`role_${r}`)).join(", ");
      cells[3].textContent = String(s.capacity);
      cells[4].textContent = s.languages.map(langName).join(", ");
      cells[5].textContent = s.active ? t(`presence_${s.status}`) : t("staff_inactive");
      const [edit, password, toggle] = tr.querySelectorAll("button");
      edit.textContent = t("edit");
      edit.setAttribute("aria-label", t("edit_named", { name: s.display_name }));
      password.textContent = t("password_reset");
      password.setAttribute("aria-label", t("password_reset_named", { name: s.display_name }));
      toggle.textContent = t(s.active ? "staff_deactivate" : "staff_activate");
      toggle.setAttribute("aria-label", `${toggle.textContent}: ${s.display_name}`);
      toggle.hidden = s.username === this.me.username;
    });
  }

  createRow() {
    const tr = h("tr", {}, h("td"), h("td"), h("td"), h("td", { class: "num" }), h("td"), h("td"));
    const button = (handler) => {
      const b = h("button", { type: "button", class: "button" });
      b.addEventListener("click", () => handler(this.items.find((s) => s.username === tr.dataset.key)));
      return b;
    };
    tr.append(h("td", {}, h("div", { class: "row" }, button((s) => this.open(s)),
      button((s) => this.openPassword(s)), button((s) => this.toggleActive(s)))));
    return tr;
  }

  open(account) {
    this.editing = account;
    const isAdmin = this.me.roles.includes("admin");
    $("#staff-dialog-title").textContent = account
      ? t("staff_edit_title", { name: account.display_name }) : t("staff_new");
    $("#staff-username-field").hidden = Boolean(account);
    $("#staff-password-field").hidden = Boolean(account);
    $("#staff-active-field").hidden = !account || account.username === this.me.username;
    $("#staff-username").value = "";
    $("#staff-password").value = "";
    $("#staff-display").value = account?.display_name || "";
    $("#staff-capacity").value = String(account?.capacity || 3);
    $("#staff-active").checked = account ? account.active : true;
    const roles = account?.roles || ["staff"];
    $("#staff-roles").replaceChildren(...ROLES.map((role) => this.check("role", role,
      t(`role_${role}`), roles.includes(role), role === "admin" && !isAdmin)));
    const langs = account?.languages || ["fi"];
    $("#staff-langs").replaceChildren(...LANGS.map((code) => this.check("lang", code,
      langName(code), langs.includes(code), false)));
    $("#staff-error").textContent = "";
    openDialog($("#staff-dialog"), account ? $("#staff-display") : $("#staff-username"));
  }

  check(kind, value, label, checked, disabled) {
    const id = `staff-${kind}-${value}`;
    return h("div", { class: "check" },
      h("input", { type: "checkbox", id, value, checked, disabled, dataset: { kind } }),
      h("label", { for: id }, label));
  }

  chosen(kind) {
    return [...document.querySelectorAll(`#staff-dialog input[data-kind='${kind}']:checked`)].map((i) => i.value);
  }

  async save() {
    const body = {
      display_name: $("#staff-display").value.trim(),
      roles: this.chosen("role"),
      capacity: Number($("#staff-capacity").value),
      languages: this.chosen("lang"),
    };
    const error = $("#staff-error");
    if (!body.display_name) return void (error.textContent = t("name_required"));
    if (!body.roles.length) return void (error.textContent = t("staff_need_role"));
    if (!body.languages.length) return void (error.textContent = t("staff_need_lang"));
    if (!Number.isInteger(body.capacity) || body.capacity < 1 || body.capacity > 50) {
      return void (error.textContent = t("staff_capacity_range"));
    }
    try {
      if (this.editing) {
        if (!$("#staff-active-field").hidden) body.active = $("#staff-active").checked;
        await api("PATCH", `/api/v1/supervisor/staff/${encodeURIComponent(this.editing.username)}`, body);
      } else {
        body.username = $("#staff-username").value.trim();
        body.password = $("#staff-password").value;
        if (body.password.length < 10) return void (error.textContent = t("password_short"));
        await api("POST", "/api/v1/supervisor/staff", body);
      }
      $("#staff-dialog").close();
      announce(t("saved"));
      this.load();
    } catch (failure) {
      error.textContent = errorText(failure, "staff");
    }
  }

  openPassword(account) {
    this.editing = account;
    $("#password-who").textContent = t("password_for", { name: account.display_name, username: account.username });
    $("#password-new").value = "";
    $("#password-error").textContent = "";
    openDialog($("#password-dialog"), $("#password-new"));
  }

  async savePassword() {
    const password = $("#password-new").value;
    if (password.length < 10) {
      $("#password-error").textContent = t("password_short");
      return;
    }
    try {
      await api("POST", `/api/v1/supervisor/staff/${encodeURIComponent(this.editing.username)}/password`, { password });
      $("#password-dialog").close();
      announce(t("password_changed"));
    } catch (error) {
      $("#password-error").textContent = errorText(error);
    }
  }

  async toggleActive(account) {
    const deactivate = account.active;
    if (deactivate && !(await confirmAction(t("staff_deactivate_confirm", { name: account.display_name }),
      t("staff_deactivate")))) return;
    try {
      await api("PATCH", `/api/v1/supervisor/staff/${encodeURIComponent(account.username)}`, { active: !deactivate });
      announce(t(deactivate ? "staff_deactivated" : "staff_activated", { name: account.display_name }));
      this.load();
    } catch (error) {
      pageAlert(errorText(error));
    }
  }
}
