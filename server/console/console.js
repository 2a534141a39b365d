// The staff console: login, then the queue, chats, consultation and dialogs over one
// staff socket. This module wires the parts and routes socket frames to them.

import { api, errorText, logServerError, onSessionEnded, setCsrf } from "./api.js";
import { $, announce, openDialog } from "./dom.js";
import { applyTexts, bindLangSelect, onLangChange, t } from "./i18n.js";
import { Chats } from "./chats.js";
import { CannedPicker } from "./canned.js";
import { CloseDialog } from "./closechat.js";
import { Consultations } from "./consult.js";
import { Queue } from "./queue.js";
import { ServiceQueues } from "./services.js";
import { SessionClock } from "./session.js";
import { bindShortcuts, renderHelp } from "./shortcuts.js";
import { StaffSocket } from "./socket.js";
import { Sound } from "./sound.js";
import { TransferDialog } from "./transfer.js";
import { initLogin, showLogin } from "./login.js";

const CHAT_ROLES = ["staff", "supervisor", "admin"];

const app = {
  me: null,
  socket: null,
  sound: new Sound($("#sound-toggle")),
  send(frame) {
    return Boolean(this.socket && this.socket.send(frame));
  },
  globalAlert(text) {
    const el = $("#global-alert");
    el.textContent = text;
    el.hidden = !text;
  },
};
app.services = new ServiceQueues();
app.queue = new Queue(app);
app.chats = new Chats(app);
app.canned = new CannedPicker(app);
app.transfer = new TransferDialog(app);
app.closer = new CloseDialog(app);
app.consult = new Consultations(app);
app.session = new SessionClock(app);
app.sessionCheck = () => api("GET", "/api/v1/staff/me").catch(() => {});

const HANDLERS = {
  "queue.snapshot": (f) => {
    app.queue.update(f.items);
    app.chats.connected(app.socket.connection);
    app.consult.load();
  },
  "queue.updated": (f) => app.queue.update(f.items),
  "presence.updated": (f) => {
    showPresence(f);
    app.chats.synced(app.socket.connection); // the first one ends the reconnect re-send
  },
  "chat.assigned": (f) => app.chats.assigned(f, app.socket.connection),
  "message.created": (f) => app.chats.created(f),
  "message.ack": (f) => app.chats.acked(f),
  typing: (f) => app.chats.typing(f),
  read: (f) => app.chats.read(f),
  "chat.state": (f) => app.chats.state(f),
  "chat.released": (f) => app.chats.released(f),
  "chat.presence": (f) => app.chats.presence(f),
  "consult.updated": (f) => app.consult.upsert(f.thread, true),
  error: (f) => routeError(f),
};

// Only our own fi/sv/en text reaches the screen; the server's English goes to the log.
function socketErrorText(frame) {
  logServerError(frame.code, frame.message);
  return t(`err_${frame.code}`, {}, null) ?? t("err_unavailable");
}

function routeError(frame) {
  if (frame.code === "unauthorized" && !frame.chat_id) return; // close 4401 follows
  if (app.transfer.refused(frame)) return; // the chosen service closed meanwhile: confirm
  if (frame.client_msg_id && app.chats.failed(frame)) return;
  if (frame.chat_id && app.chats.get(frame.chat_id)?.ended) {
    // A read mark or typing frame that crossed the chat's end: nothing for anyone to do.
    logServerError(frame.code, frame.message);
    return;
  }
  const text = socketErrorText(frame);
  if (frame.chat_id && app.chats.has(frame.chat_id)) app.chats.alert(frame.chat_id, text);
  else if (frame.chat_id || frame.code === "conflict") {
    app.queue.alert(frame.code === "conflict" && frame.chat_id ? t("accept_conflict") : text);
  } else app.globalAlert(text);
}

function showPresence(frame) {
  $("#presence").value = frame.status;
  app.capacity = frame.capacity;
  app.chats.showLoad();
}

function setConnection(status) {
  const el = $("#conn");
  el.dataset.state = status;
  el.textContent = t(`conn_${status}`);
  app.connStatus = status;
}

function startConsole(me) {
  app.me = me;
  app.capacity = me.capacity;
  app.chats.numbers.use(me.username);
  app.services.use(me);
  app.services.load().catch(() => {}); // names of other services; mine come with /me
  setCsrf(me.csrf_token);
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#link-supervisor").hidden = !me.roles.some((r) => r === "supervisor" || r === "admin");
  $("#link-audit").hidden = !me.roles.includes("admin");
  $("#link-editor").hidden = !me.roles.some((r) => r === "editor" || r === "admin");
  showName();
  app.globalAlert("");
  app.session.watch(me.session_expires_at);
  app.socket = new StaffSocket({
    frame: (frame) => HANDLERS[frame.type]?.(frame),
    status: setConnection,
    ended: (code) => endSession(code === 4403 ? "no_chat_role" : "session_ended"),
    verify: async () => {
      try {
        await api("GET", "/api/v1/staff/me");
        return true;
      } catch (error) {
        return error.status !== 401;
      }
    },
  });
  app.socket.start();
  $("#main").focus();
}

function endSession(reason) {
  if (!app.me) return;
  app.me = null;
  app.socket?.stop();
  app.socket = null;
  app.session.stop();
  app.chats.reset();
  app.queue.reset();
  app.consult.reset();
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
  $("#app-view").hidden = true;
  showLogin(t(reason));
}

async function loggedIn() {
  const me = await api("GET", "/api/v1/staff/me", undefined, { quiet401: true });
  if (!me.roles.some((r) => CHAT_ROLES.includes(r))) {
    if (me.roles.includes("editor")) {
      location.assign("/console/editor");
      return;
    }
    setCsrf(me.csrf_token);
    showLogin(t("no_chat_role"), me);
    return;
  }
  startConsole(me);
}

function showName() {
  $("#open-name").textContent = t("name_button", { name: app.me.display_name });
}

function bindHeader() {
  $("#presence").addEventListener("change", (event) => {
    if (!app.send({ type: "presence.set", status: event.target.value })) {
      app.globalAlert(t("err_offline"));
    } else announce(t(`presence_now_${event.target.value}`));
  });
  $("#logout").addEventListener("click", async () => {
    app.socket?.stop(); // the server closes it with 4401 next; that is not "session ended"
    try {
      await api("POST", "/api/v1/staff/logout");
    } catch {
      /* the session may already be gone: log out locally anyway */
    }
    endSession("logged_out");
  });
  // Log in again without logging out: the old session stays valid until it expires, so the
  // chats are not released; the new login's socket gets them back (chat.assigned).
  $("#session-relogin").addEventListener("click", () => {
    app.socket?.stop();
    endSession("session_relogin_hint");
  });
  $("#open-help").addEventListener("click", () => openDialog($("#help-dialog")));
  $("#open-settings").addEventListener("click", () => openDialog($("#settings-dialog")));
  $("#open-name").addEventListener("click", () => {
    $("#name-input").value = app.me.display_name;
    $("#name-error").textContent = "";
    openDialog($("#name-dialog"), $("#name-input"));
  });
  $("#name-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = $("#name-input").value.trim();
    if (!name) {
      $("#name-error").textContent = t("name_required");
      return;
    }
    try {
      const account = await api("PATCH", "/api/v1/staff/me", { display_name: name });
      app.me.display_name = account.display_name;
      showName();
      $("#name-dialog").close();
      announce(t("name_saved", { name: account.display_name }));
    } catch (error) {
      $("#name-error").textContent = errorText(error);
    }
  });
  for (const button of document.querySelectorAll("dialog [data-close]")) {
    button.addEventListener("click", () => button.closest("dialog").close());
  }
}

function boot() {
  applyTexts();
  renderHelp();
  bindLangSelect($("#login-lang"));
  bindLangSelect($("#app-lang"));
  onLangChange(() => {
    renderHelp();
    if (app.me) showName();
    if (app.connStatus) setConnection(app.connStatus);
  });
  onSessionEnded(() => endSession("session_ended"));
  bindHeader();
  bindShortcuts(app);
  initLogin(loggedIn);
  loggedIn().catch(() => showLogin(""));
}

boot();
