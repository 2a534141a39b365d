// Small DOM helpers for the parts of the frame that show state rather than messages:
// which section is visible, connection state, queue, typing indicator, service status.

import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

export function showSection(name) {
  for (const id of ["intro", "chat", "expired"]) $(id).hidden = id !== name;
  $("dock").hidden = name !== "chat";
}

// state: bot | queued | active | closed (the chat's state from the server)
export function showChatState(state) {
  const closed = state === "closed";
  $("closed").hidden = !closed;
  $("composer").hidden = closed;
  $("human").hidden = state !== "bot";
  $("end").hidden = closed;
  if (closed) $("confirm").hidden = true;
  if (state !== "queued") $("queue").hidden = true;
  if (state === "active") $("queue").textContent = "";
  $("text").disabled = closed;
}

let connState = "";
let hideTimer = 0;

// Shown while something is wrong; "online" is announced briefly after a reconnect.
export function showConnection(state) {
  const node = $("conn");
  const wasBroken = connState === "reconnecting" || connState === "offline";
  connState = state;
  clearTimeout(hideTimer);
  node.dataset.state = state;
  if (!state) {
    node.textContent = ""; // no chat, no connection to talk about
  } else if (state === "online") {
    node.textContent = wasBroken ? t("conn_online") : "";
    hideTimer = setTimeout(() => { node.textContent = ""; }, 4000);
  } else {
    node.textContent = t(`conn_${state}`);
  }
}

let lastQueue = null;

// After a language change: say the connection and queue state again in the new language.
export function relabelStatus() {
  if (connState && connState !== "online") showConnection(connState);
  if (lastQueue && !$("queue").hidden) showQueue(...lastQueue);
}

// nobodyOnDuty: no staff member is on duty right now (staff_on_duty 0): say so honestly,
// with the emergency number, instead of letting the resident think everyone is busy.
export function showQueue(position, waitSeconds, nobodyOnDuty = false) {
  lastQueue = [position, waitSeconds, nobodyOnDuty];
  const node = $("queue");
  const head = document.createElement("strong");
  head.textContent = t("queue_position", { n: position });
  const wait = Number.isInteger(waitSeconds)
    ? t("queue_wait", { min: Math.max(1, Math.round(waitSeconds / 60)) })
    : t("queue_wait_unknown");
  const parts = [head, document.createTextNode(` ${wait} ${t("queued_note")}`)];
  if (nobodyOnDuty) {
    const nobody = document.createElement("span");
    nobody.className = "queue__nobody";
    nobody.textContent = t("queue_nobody");
    parts.splice(1, 0, document.createTextNode(" "), nobody);
  }
  node.replaceChildren(...parts);
  node.hidden = false;
}

let typingTimer = 0;

export function showTyping(active, who) {
  const node = $("typing");
  clearTimeout(typingTimer);
  node.hidden = !active;
  node.textContent = active ? t("typing", { who }) : "";
  if (active) $("typing").scrollIntoView({ block: "nearest" });
  // A lost "stopped typing" frame must not leave the indicator on forever.
  if (active) typingTimer = setTimeout(() => showTyping(false), 15_000);
}

// `named`: the widget opens one service (data-queue), so its name is shown too.
export function showServiceStatus(status, named = false) {
  const name = named && typeof status?.queue_name === "string" ? status.queue_name : "";
  $("service-name").textContent = name ? t("status_service", { name }) : "";
  $("service-name").hidden = !name;
  if (!status) {
    $("service-status").textContent = t("status_failed");
    $("service-hours").hidden = true;
    $("announcement").hidden = true;
    return;
  }
  let text = t("status_closed");
  if (status.open_now) {
    text = status.staff_on_duty > 0
      ? t("status_open_staff", { n: status.staff_on_duty })
      : t("status_open_nobody");
  }
  $("service-status").textContent = text;
  const hours = typeof status.hours_text === "string" ? status.hours_text : "";
  $("service-hours").textContent = hours ? t("status_hours", { hours }) : "";
  $("service-hours").hidden = !hours;
  const note = typeof status.announcement === "string" ? status.announcement.trim() : "";
  $("announcement-text").textContent = note;
  $("announcement").hidden = !note;
}

export function updateCounter(length, max) {
  const node = $("counter");
  const left = max - length;
  const near = left <= 200;
  node.hidden = !near;
  node.textContent = near ? (left < 0 ? t("too_long", { max }) : t("chars_left", { n: left })) : "";
  node.dataset.over = left < 0 ? "true" : "false";
  $("text").setAttribute("aria-invalid", left < 0 ? "true" : "false");
}
