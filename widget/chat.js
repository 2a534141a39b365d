// Entry point of the chat frame (chat.html): reads the embed parameters, applies the
// county theme and language, wires the controls to the App and the host bridge.

import { App } from "./app.js";
import { HostBridge } from "./host.js";
import { getLang, pickLang, setLang, t } from "./i18n.js";
import { openStore } from "./storage.js";
import { applyTheme } from "./theme.js";
import { transcriptText } from "./render.js";
import * as view from "./view.js";

const { $ } = view;
const MAX_CHARS = 4000;
const TYPING_IDLE_MS = 3000;

const params = new URLSearchParams(location.search);
const host = new HostBridge(params.get("host"));
const store = await openStore(host);
const stored = store.loadChat();
const app = new App({ municipality: params.get("municipality") || null,
  queue: params.get("queue") || null }, host, store);

function init() {
  applyTheme(params.get("color"));
  const title = (params.get("title") || "").slice(0, 80);
  if (title) {
    for (const node of document.querySelectorAll('[data-i18n="title"]')) delete node.dataset.i18n;
    $("title").textContent = title;
    $("intro-title").textContent = title;
  }
  changeLang(stored?.lang ?? store.loadPref("lang") ?? params.get("lang"));
  buildScores();
  wireControls();
  wireHost();
  if (stored) app.resume(stored);
  else app.loadStatus();
}

function changeLang(value) {
  const lang = setLang(pickLang(value));
  $("lang").value = lang;
  document.title = $("title").textContent;
  if (app.chat) {
    app.chat.lang = lang;
    app.save();
  }
  host.post("lang", { lang });
  view.relabelStatus();
  app.conversation.relabel();
  if (app.chat?.state) view.showChatState(app.chat.state);
  if (!app.chat) app.loadStatus();
  return lang;
}

function buildScores() {
  for (let score = 1; score <= 5; score++) {
    const label = document.createElement("label");
    label.className = "score";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "score";
    input.value = String(score);
    input.required = true;
    label.append(input, document.createTextNode(` ${score}`));
    $("scores").append(label);
  }
}

let typingTimer = 0;
let typingSent = false;

function typing(active) {
  clearTimeout(typingTimer);
  if (active) typingTimer = setTimeout(() => typing(false), TYPING_IDLE_MS);
  if (active === typingSent) return;
  typingSent = active;
  app.client?.transient({ type: "typing", active });
}

function wireControls() {
  $("lang").addEventListener("change", (e) => {
    store.savePref("lang", changeLang(e.target.value));
  });
  $("start").addEventListener("click", () => app.startChat());
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("text").value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      view.updateCounter(text.length, MAX_CHARS);
      $("text").focus();
      return;
    }
    typing(false);
    app.sendText(text);
    $("text").value = "";
    view.updateCounter(0, MAX_CHARS);
    $("text").focus();
  });
  $("text").addEventListener("input", () => {
    view.updateCounter($("text").value.length, MAX_CHARS);
    typing($("text").value.length > 0);
  });
  $("text").addEventListener("keydown", (e) => {
    // Enter sends, Shift+Enter makes a new line.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("human").addEventListener("click", () => {
    app.loadStatus(); // fresh staff_on_duty for the queue banner
    app.client?.control({ type: "handoff.request" });
  });
  $("save").addEventListener("click", saveTranscript);
  $("end").addEventListener("click", () => {
    $("confirm").hidden = false;
    $("end-no").focus(); // the safe choice: two Enters must not end the chat
  });
  $("end-no").addEventListener("click", () => {
    $("confirm").hidden = true;
    $("end").focus();
  });
  $("end-yes").addEventListener("click", () => {
    app.endChat();
    $("log").focus(); // until the server confirms; then focus moves to "chat ended"
  });
  $("feedback").addEventListener("submit", (e) => {
    e.preventDefault();
    const score = Number(new FormData($("feedback")).get("score"));
    if (score >= 1 && score <= 5) app.submitFeedback(score, $("feedback-comment").value.trim());
  });
  $("new-chat").addEventListener("click", () => app.newChat());
  $("expired-new").addEventListener("click", () => app.newChat());
  $("minimize").addEventListener("click", () => host.post("close"));
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !host.embedded) return;
    if (!$("confirm").hidden) {
      $("confirm").hidden = true;
      $("end").focus();
      return;
    }
    host.post("close");
  });
  document.addEventListener("visibilitychange", () => app.markSeen());
  window.addEventListener("focus", () => app.markSeen());
}

function wireHost() {
  $("minimize").hidden = !host.origin;
  host.on("shown", (data) => {
    host.visible = true;
    app.markSeen();
    if (data.focus) focusFirst();
  });
  host.on("hidden", () => {
    host.visible = false;
  });
  host.post("ready", { active: Boolean(stored), lang: getLang() });
  document.body.dataset.store = store.kind;
}

function focusFirst() {
  const target = [$("text"), $("start"), $("expired-new"), $("save")]
    .find((node) => node.offsetParent !== null && !node.disabled);
  (target ?? $("lang")).focus();
}

function saveTranscript() {
  const text = transcriptText($("title").textContent, app.conversation.transcript());
  const blob = new Blob([text], { type: "text/plain;charset=utf-8" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  const day = new Date().toISOString().slice(0, 10);
  link.download = `${t("transcript_file")}-${day}.txt`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

init();
