// Rendering of chat messages. Every piece of data goes in as text (textContent / text
// nodes); the only element built from data is <a>, and only for http(s) URLs.

import { getLang, t } from "./i18n.js";

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

export function safeHttpUrl(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

// Append text to parent, turning http(s) URLs into safe links.
export function appendLinkified(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const raw = match[0].replace(TRAILING, "");
    const href = safeHttpUrl(raw);
    if (!href) continue;
    parent.append(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = raw;
    link.setAttribute("aria-describedby", "new-window-hint"); // "opens in a new window"
    parent.append(link);
    last = match.index + raw.length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}

export function authorLabel(msg) {
  if (msg.author === "resident") return t("you");
  if (msg.author === "bot") return t("bot");
  if (msg.author === "staff") {
    return msg.author_name ? `${msg.author_name}, ${t("staff").toLowerCase()}` : t("staff");
  }
  return t("system");
}

export function formatTime(iso) {
  const date = iso ? new Date(iso) : new Date();
  if (Number.isNaN(date.getTime())) return "";
  return new Intl.DateTimeFormat(getLang(), { hour: "2-digit", minute: "2-digit" }).format(date);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// msg: {seq?, author, author_name?, text, created_at?, client_msg_id?}; shownText overrides
// what the resident sees for a quick-reply payload (the button title instead of "/payload").
export function messageElement(msg, shownText) {
  const item = el("li", `msg msg--${msg.author}`);
  if (msg.seq) item.dataset.seq = String(msg.seq);
  if (msg.client_msg_id) item.dataset.clientMsgId = msg.client_msg_id;
  const meta = el("p", "msg__meta");
  meta.append(el("span", "msg__who", authorLabel(msg)));
  const time = el("time", "msg__time", formatTime(msg.created_at));
  if (msg.created_at) time.dateTime = msg.created_at;
  meta.append(document.createTextNode(" "), time);
  const body = el("p", "msg__text");
  appendLinkified(body, shownText ?? msg.text);
  item.append(meta, body);
  if (msg.author === "resident") item.append(el("p", "msg__status"));
  return item;
}

// status: pending | sent | delivered | read | failed; detail: optional error text
export function setStatus(item, status, detail) {
  const node = item.querySelector(".msg__status");
  if (!node) return;
  item.dataset.status = status;
  node.textContent = detail ? `${t(`st_${status}`)}: ${detail}` : t(`st_${status}`);
}

export function quickReplies(buttons, onChoose) {
  const group = el("div", "msg__buttons");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("quick_replies"));
  for (const button of buttons) {
    if (typeof button?.title !== "string" || typeof button?.payload !== "string") continue;
    const node = el("button", "quick", button.title);
    node.type = "button";
    node.addEventListener("click", () => onChoose(button));
    group.append(node);
  }
  return group;
}

// The transcript the resident can save: plain text, one message per paragraph.
export function transcriptText(title, messages) {
  const when = new Date().toLocaleString(getLang());
  const lines = [`${title} — ${when}`, ""];
  for (const msg of messages) {
    lines.push(`[${formatTime(msg.created_at)}] ${authorLabel(msg)}:`, msg.shown ?? msg.text, "");
  }
  return lines.join("\n");
}
