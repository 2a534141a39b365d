/* Neuvo widget loader for host pages. Embed with:
 *   <script src="https://neuvo.example.fi/widget/neuvo.js" data-server="https://neuvo.example.fi"
 *           data-lang="fi" data-municipality="Seinäjoki" data-queue="…" data-color="#005eb8"
 *           data-title="…" async></script>
 * It adds a launcher button in a shadow root and opens the chat UI (chat.html, served by the
 * Neuvo server) in an iframe. The two talk by postMessage with origin and source checks. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__neuvoWidget) return;
  window.__neuvoWidget = true;

  var data = script.dataset;
  var base = new URL("./", data.server ? new URL("/widget/", data.server) : script.src);
  var serverOrigin = base.origin;
  var LABELS = {
    fi: { open: "Chat", one: "uusi viesti", many: "uutta viestiä" },
    sv: { open: "Chatt", one: "nytt meddelande", many: "nya meddelanden" },
    en: { open: "Chat", one: "new message", many: "new messages" },
  };
  var lang = LABELS[data.lang] ? data.lang : "fi";
  var STATE_KEY = "neuvo.loader";
  var FRAME_KEY = "neuvo.frame"; // the chat frame's state when its own storage is blocked
  var MAX_VALUE = 4 * 1024 * 1024;
  var state = readState(); // {open, active}: survives a reload of the host page in this tab
  var frame = null;
  var frameTalking = false; // the frame has sent a message, so it can receive them
  var frameReady = false; // the chat UI in the frame is set up
  var focusOnReady = false;
  var unread = 0;
  var pageTitle = document.title;

  var hostEl = document.createElement("div");
  hostEl.className = "neuvo-widget";
  var root = hostEl.attachShadow({ mode: "open" });
  var wrapper = document.createElement("div");
  wrapper.className = "neuvo";
  wrapper.hidden = true; // until the stylesheet is in, so no unstyled flash
  var sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = new URL("launcher.css", base).href;
  sheet.onload = sheet.onerror = function () { wrapper.hidden = false; };

  var panel = document.createElement("div");
  panel.className = "neuvo__panel";
  panel.hidden = true;
  panel.id = "neuvo-panel";

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "neuvo__launcher";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "neuvo-panel");
  var icon = document.createElement("span");
  icon.className = "neuvo__icon";
  icon.setAttribute("aria-hidden", "true");
  var label = document.createElement("span");
  label.className = "neuvo__label";
  var badge = document.createElement("span");
  badge.className = "neuvo__badge";
  badge.setAttribute("aria-hidden", "true");
  badge.hidden = true;
  var badgeText = document.createElement("span");
  badgeText.className = "neuvo__sr";
  launcher.append(icon, label, badge, badgeText);
  wrapper.append(launcher, panel); // tab order: launcher, then the chat
  root.append(sheet, wrapper);
  applyColor();
  relabel();

  launcher.addEventListener("click", function () {
    if (panel.hidden) openPanel(true);
    else closePanel();
  });
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) closePanel();
  });
  window.addEventListener("message", onMessage);

  function mount() {
    document.body.append(hostEl);
    if (state.active) ensureFrame();
    if (state.open) openPanel(false);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  function readState() {
    try {
      return JSON.parse(sessionStorage.getItem(STATE_KEY)) || {};
    } catch (e) {
      return {};
    }
  }

  function writeState() {
    try {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
    } catch (e) { /* storage blocked: only reload continuity is lost */ }
  }

  function applyColor() {
    if (!/^#[0-9a-f]{6}$/i.test(data.color || "")) return;
    wrapper.style.setProperty("--neuvo-accent", data.color);
    // White text only where it reaches 4.5:1 on the county colour, else black.
    var lum = [1, 3, 5].map(function (i) {
      var c = parseInt(data.color.substr(i, 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    wrapper.style.setProperty("--neuvo-on-accent", 1.05 / (l + 0.05) >= 4.5 ? "#ffffff" : "#000000");
  }

  function relabel() {
    label.textContent = data.label || LABELS[lang].open;
    badge.textContent = String(unread);
    badge.hidden = unread === 0;
    var words = unread === 1 ? LABELS[lang].one : LABELS[lang].many;
    badgeText.textContent = unread ? "(" + unread + " " + words + ")" : "";
    if (data.notifyTitle === "true") document.title = unread ? "(" + unread + ") " + pageTitle : pageTitle;
  }

  function ensureFrame() {
    if (frame) return;
    var params = new URLSearchParams({ lang: lang, host: location.origin });
    ["municipality", "queue", "color", "title"].forEach(function (name) {
      if (data[name]) params.set(name, data[name]);
    });
    frame = document.createElement("iframe");
    frame.className = "neuvo__frame";
    frame.title = data.title || "Neuvo chat";
    frame.referrerPolicy = "no-referrer";
    frame.src = new URL("chat.html?" + params.toString(), base).href;
    panel.append(frame);
  }

  function post(type, extra) {
    if (!frame || !frameTalking) return;
    var message = Object.assign({ type: "neuvo:" + type }, extra || {});
    frame.contentWindow.postMessage(message, serverOrigin);
  }

  function openPanel(focus) {
    ensureFrame();
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    wrapper.classList.add("neuvo--open");
    state.open = true;
    writeState();
    if (focus) frame.focus();
    if (frameReady) post("shown", { focus: focus });
    else focusOnReady = focus;
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    wrapper.classList.remove("neuvo--open");
    state.open = false;
    writeState();
    post("hidden");
    launcher.focus();
  }

  var HANDLERS = {
    ready: function (msg) {
      frameReady = true;
      setActive(msg.active);
      if (!panel.hidden) post("shown", { focus: focusOnReady });
    },
    // The frame's own storage is blocked (third-party storage off): keep its state here.
    restore: function () { post("restore", { values: frameValues() }); },
    persist: function (msg) {
      if (typeof msg.key !== "string" || !/^neuvo\.(chat|pref)\.[\w.]+$/.test(msg.key)) return;
      if (msg.value !== null && (typeof msg.value !== "string" || msg.value.length > MAX_VALUE)) return;
      var values = frameValues();
      if (msg.value === null) delete values[msg.key];
      else values[msg.key] = msg.value;
      try {
        sessionStorage.setItem(FRAME_KEY, JSON.stringify(values));
      } catch (e) { /* quota or blocked: the chat goes on, only reload continuity is lost */ }
    },
    close: closePanel,
    started: function (msg) { setActive(msg.active); },
    unread: function (msg) {
      unread = Math.max(0, Math.min(99, Number(msg.count) || 0));
      relabel();
    },
    lang: function (msg) {
      if (LABELS[msg.lang]) lang = msg.lang;
      relabel();
    },
  };

  function frameValues() {
    try {
      var values = JSON.parse(sessionStorage.getItem(FRAME_KEY));
      return values && typeof values === "object" ? values : {};
    } catch (e) {
      return {};
    }
  }

  function setActive(active) {
    state.active = Boolean(active);
    writeState();
  }

  function onMessage(event) {
    if (!frame || event.origin !== serverOrigin || event.source !== frame.contentWindow) return;
    var type = event.data && typeof event.data.type === "string" ? event.data.type : "";
    var name = type.indexOf("neuvo:") === 0 ? type.slice(6) : "";
    frameTalking = true;
    if (Object.prototype.hasOwnProperty.call(HANDLERS, name)) HANDLERS[name](event.data);
  }
})();
