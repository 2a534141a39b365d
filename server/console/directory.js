// The service directory page (/console/directory, roles editor, supervisor and admin): the
// county's service points with filters, add/edit in a dialog (a conflict shows the other
// person's version), delete with a confirmation, CSV import with the refusal's line numbers,
// and the CSV export. Every text from the server is set as text (textContent), never as HTML.

import { api, ApiError, errorText } from "./api.js";
import { $, $$, announce, h, openDialog } from "./dom.js";
import { lang, langName, onLangChange, t } from "./i18n.js";
import { confirmAction, pageAlert, startPage } from "./pageshell.js";

const P = "/api/v1/directory";
const LANGS = ["fi", "sv", "en"];
const FIELDS = ["name_fi", "name_sv", "name_en", "type", "municipality", "address",
  "hours_fi", "hours_sv", "hours_en", "phone", "web"];
const state = { items: [], types: [], municipalities: [], columns: [], editing: null };

const typeName = (id) => state.types.find((x) => x.id === id)?.name[lang()] ?? id;
const placeName = (fi) => {
  const entry = state.municipalities.find((m) => m.fi === fi);
  return entry && lang() === "sv" ? entry.sv : fi;
};
const pointName = (p) => p.name[lang()] || p.name.fi;

// One problem from the server (a field and a code), in the UI language.
function problemText(problem) {
  const label = t(`dir_col_${problem.field}`, {}, null)
    ?? t(`dir_${problem.field}`, {}, null) ?? problem.field;
  const text = t(`dir_err_${problem.code}`, {}, null) ?? t("err_invalid_frame");
  const line = t("dir_field_error", { field: label, text });
  return problem.line ? t("dir_line", { line: problem.line, text: line }) : line;
}

async function load() {
  const params = new URLSearchParams();
  if ($("#f-municipality").value) params.set("municipality", $("#f-municipality").value);
  if ($("#f-type").value) params.set("type", $("#f-type").value);
  try {
    state.items = (await api("GET", `${P}/points?${params}`)).items;
    pageAlert("");
  } catch (error) {
    pageAlert(errorText(error));
  }
  render();
}

function option(value, label, selected) {
  return h("option", { value, selected: value === selected }, label);
}

function renderFilters() {
  const place = $("#f-municipality").value;
  const kind = $("#f-type").value;
  const places = [...new Set(state.all.map((p) => p.municipality))].sort();
  $("#f-municipality").replaceChildren(option("", t("dir_all"), place),
    ...places.map((fi) => option(fi, placeName(fi), place)));
  $("#f-type").replaceChildren(option("", t("dir_all"), kind),
    ...state.types.map((x) => option(x.id, x.name[lang()], kind)));
  $("#p-type").replaceChildren(...state.types.map((x) => option(x.id, x.name[lang()], "")));
}

function webCell(web) {
  if (!web.startsWith("https://")) return web;
  return h("a", { href: web, rel: "noopener noreferrer", target: "_blank" }, web);
}

function render() {
  renderFilters();
  $("#dir-rows").replaceChildren(...state.items.map((p) => h("tr", { dataset: { id: p.id } },
    h("td", {}, pointName(p)), h("td", {}, typeName(p.type)),
    h("td", {}, placeName(p.municipality)), h("td", {}, p.address),
    h("td", {}, p.hours[lang()] || p.hours.fi), h("td", {}, p.phone), h("td", {}, webCell(p.web)),
    h("td", {}, p.languages.map(langName).join(", ")),
    h("td", { class: "actions" },
      h("button", { type: "button", class: "button", "aria-label": t("dir_edit_label", { name: pointName(p) }),
        onclick: () => edit(p) }, t("dir_edit")),
      h("button", { type: "button", class: "button button--danger",
        "aria-label": t("dir_delete_label", { name: pointName(p) }), onclick: () => remove(p) },
      t("dir_delete"))))));
  $("#dir-status").textContent = state.items.length
    ? t("dir_count", { n: state.items.length }) : t("dir_none");
  $("#import-hint").textContent = t("dir_import_hint", { columns: state.columns.join(";") });
}

function fill(point) {
  const flat = point ? {
    ...Object.fromEntries(LANGS.map((l) => [`name_${l}`, point.name[l] || ""])),
    ...Object.fromEntries(LANGS.map((l) => [`hours_${l}`, point.hours[l] || ""])),
    type: point.type, municipality: point.municipality, address: point.address,
    phone: point.phone, web: point.web } : { type: state.types[0]?.id || "" };
  for (const name of FIELDS) $(`#p-${name}`).value = flat[name] ?? "";
  const langs = point ? point.languages : ["fi"];
  for (const box of $$("input[name='p-lang']")) box.checked = langs.includes(box.value);
  $("#point-error").replaceChildren();
  for (const input of $$("#point-form [aria-invalid]")) input.removeAttribute("aria-invalid");
}

function openPoint(point) {
  state.editing = point;
  $("#point-title").textContent = t(point ? "dir_dialog_edit" : "dir_dialog_new");
  fill(point);
  openDialog($("#point-dialog"), $("#p-name_fi"));
}

const edit = (point) => openPoint(point);

function body() {
  const value = (name) => $(`#p-${name}`).value.trim();
  return {
    name: Object.fromEntries(LANGS.map((l) => [l, value(`name_${l}`)])),
    hours: Object.fromEntries(LANGS.map((l) => [l, value(`hours_${l}`)])),
    type: value("type"), municipality: value("municipality"), address: value("address"),
    phone: value("phone"), web: value("web"),
    languages: $$("input[name='p-lang']:checked").map((box) => box.value),
  };
}

function showProblems(target, error) {
  const problems = error instanceof ApiError && Array.isArray(error.data?.errors)
    ? error.data.errors : [];
  target.replaceChildren(...(problems.length
    ? problems.map((p) => h("p", {}, problemText(p))) : [h("p", {}, errorText(error))]));
  return problems;
}

async function save(event) {
  event.preventDefault();
  const editing = state.editing;
  try {
    if (editing) {
      await api("PUT", `${P}/points/${encodeURIComponent(editing.id)}`,
        { ...body(), revision: editing.revision });
    } else {
      await api("POST", `${P}/points`, body());
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.data?.current) {
      state.editing = error.data.current;
      fill(error.data.current);
      $("#point-error").replaceChildren(h("p", {}, t("dir_conflict", { by: error.data.current.updated_by })));
      return;
    }
    const problems = showProblems($("#point-error"), error);
    for (const p of problems) $(`#p-${p.field}`)?.setAttribute("aria-invalid", "true");
    $(`#p-${problems[0]?.field}`)?.focus();
    return;
  }
  $("#point-dialog").close();
  announce(t("dir_saved"));
  await refresh();
}

async function remove(point) {
  if (!await confirmAction(t("dir_confirm_delete", { name: pointName(point) }), t("dir_delete"))) return;
  try {
    await api("DELETE", `${P}/points/${encodeURIComponent(point.id)}?revision=${point.revision}`);
    announce(t("dir_deleted"));
  } catch (error) {
    pageAlert(errorText(error));
  }
  await refresh();
}

async function importFile(event) {
  event.preventDefault();
  const file = $("#import-file").files[0];
  $("#import-errors").replaceChildren();
  if (!file) {
    $("#import-status").textContent = t("dir_import_choose");
    return;
  }
  try {
    const result = await api("POST", `${P}/import?mode=${$("#import-mode").value}`, undefined,
      { raw: file, type: "text/csv" });
    $("#import-status").textContent = t("dir_import_done", result);
    await refresh();
  } catch (error) {
    $("#import-status").textContent = t("dir_import_refused");
    const problems = error instanceof ApiError && Array.isArray(error.data?.errors) ? error.data.errors : [];
    $("#import-errors").replaceChildren(...(problems.length
      ? problems.map((p) => h("li", {}, problemText(p))) : [h("li", {}, errorText(error))]));
  }
}

async function refresh() {
  try {
    state.all = (await api("GET", `${P}/points`)).items;
  } catch (error) {
    pageAlert(errorText(error));
  }
  await load();
}

async function main() {
  let me;
  try {
    me = await startPage();
  } catch {
    return;
  }
  $("#link-supervisor").hidden = !me.roles.some((r) => ["supervisor", "admin"].includes(r));
  $("#link-editor").hidden = !me.roles.some((r) => ["editor", "admin"].includes(r));
  const vocab = await api("GET", `${P}/vocabulary`);
  Object.assign(state, { types: vocab.types, municipalities: vocab.municipalities,
    columns: vocab.columns, all: [] });
  $("#municipality-list").replaceChildren(...vocab.municipalities.map((m) => h("option", { value: m.fi })));
  onLangChange(render);
  $("#f-municipality").addEventListener("change", load);
  $("#f-type").addEventListener("change", load);
  $("#dir-filters").addEventListener("submit", (event) => event.preventDefault());
  $("#dir-add").addEventListener("click", () => openPoint(null));
  $("#point-form").addEventListener("submit", save);
  $("#import-form").addEventListener("submit", importFile);
  await refresh();
}

main();
