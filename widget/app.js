// The chat frame's controller: starts or resumes the chat, feeds server frames to the
// conversation and the state views, and tells the host page about unread messages.

import { ResidentClient } from "./client.js";
import { Conversation } from "./conversation.js";
import { getLang, t } from "./i18n.js";
import * as view from "./view.js";

const { $ } = view;

export class App {
  constructor(config, host, store) {
    this.config = config; // {municipality, queue}
    this.host = host;
    this.store = store;
    this.chat = null;
    this.client = null;
    this.unread = 0;
    this.feedbackPending = false;
    this.conversation = new Conversation($("log"), $("live"), (button) => this.sendText(button.payload, button.title));
  }

  // ----- intro ---------------------------------------------------------------------------
  async loadStatus() {
    try {
      const query = new URLSearchParams({ lang: getLang() });
      if (this.config.queue) query.set("queue", this.config.queue); // that service's status
      const res = await fetch(`/api/v1/service/status?${query}`,
        { headers: { Accept: "application/json" } });
      this.status = res.ok ? await res.json() : null;
      view.showServiceStatus(this.status, Boolean(this.config.queue));
    } catch {
      view.showServiceStatus(null);
    }
  }

  async startChat() {
    const button = $("start");
    button.disabled = true;
    button.textContent = t("starting");
    $("start-error").hidden = true;
    try {
      const body = { lang: getLang() };
      if (this.config.municipality) body.municipality = this.config.municipality;
      if (this.config.queue) body.queue = this.config.queue; // the entry point (data-queue)
      const res = await fetch("/api/v1/chats", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
      const data = await res.json();
      this.resume({ chat_id: data.chat_id, resident_token: data.resident_token,
        ws_url: data.ws_url, last_seq: 0, lang: getLang(), state: "bot", outbox: [], history: [] });
      $("text").focus();
    } catch {
      $("start-error").textContent = t("start_failed");
      $("start-error").hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = t("start");
    }
  }

  // ----- the chat ------------------------------------------------------------------------
  resume(chat) {
    this.chat = chat;
    this.save();
    view.showSection("chat");
    view.showChatState(chat.state);
    this.conversation.show(chat);
    this.updateHint();
    this.host.post("started", { active: true });
    this.client = new ResidentClient(chat, {
      frame: (frame) => this.onFrame(frame),
      status: (state) => {
        view.showConnection(state);
        if (state !== "online") view.showTyping(false); // nobody's typing reaches us now
      },
      acked: (id) => this.conversation.markAcked(id),
      failed: (id, code) => this.conversation.markFailed(id, errorText(code)),
      expired: () => this.expire(),
      changed: () => this.save(),
    });
    this.client.start();
  }

  save() {
    this.store.saveChat(this.chat);
  }

  onFrame(frame) {
    if (Object.hasOwn(FRAME_HANDLERS, frame.type)) FRAME_HANDLERS[frame.type](this, frame);
  }

  setState(state) {
    if (!["bot", "queued", "active", "closed"].includes(state)) return;
    const was = this.chat.state;
    this.chat.state = state;
    this.save();
    view.showChatState(state);
    if (state === "closed") {
      view.showTyping(false);
      // The composer just went away: if focus was there (or nowhere), say what happened.
      const focused = document.activeElement;
      const lost = !focused || focused === document.body || focused === $("log")
        || focused.offsetParent === null;
      if (was !== "closed" && lost && document.hasFocus()) $("closed-note").focus();
      this.conversation.refreshQuickReplies();
      if (was && was !== "closed") this.conversation.announce(t("closed_note"));
    }
    if (state === "active" && was === "queued") this.conversation.announce(t("active_note"));
    this.showFeedbackDone();
  }

  sendText(text, shown) {
    if (!this.client || this.chat.state === "closed") return;
    const entry = this.client.send(text, shown);
    this.conversation.appendPending(entry);
    this.updateHint();
  }

  updateHint() {
    const spoke = this.chat?.history.some((m) => m.author === "resident") || this.chat?.outbox.length;
    $("composer-hint").hidden = Boolean(spoke);
  }

  // Send a read mark for the newest incoming message, once the resident can see it.
  markSeen() {
    if (!this.chat || !this.host.seeing) return;
    const seq = this.conversation.newestIncomingSeq();
    if (seq > (this.chat.read_sent ?? 0) && this.client?.transient({ type: "read", seq })) {
      this.chat.read_sent = seq;
      this.save();
    }
    this.setUnread(0);
  }

  setUnread(count) {
    if (count === this.unread) return;
    this.unread = count;
    this.host.post("unread", { count });
  }

  endChat() {
    this.client?.control({ type: "chat.close" });
    $("confirm").hidden = true;
  }

  submitFeedback(score, comment) {
    if (this.feedbackPending || !this.client) return;
    const frame = { type: "feedback.submit", score };
    if (comment) frame.comment = comment;
    this.feedbackPending = true;
    $("feedback-send").textContent = t("st_pending");
    this.client.control(frame); // sent now, or after the next reconnect
  }

  // The server stored the feedback (feedback.ack), or already had it (error conflict).
  feedbackStored() {
    const inForm = $("feedback").contains(document.activeElement) || document.activeElement === document.body;
    this.feedbackPending = false;
    $("feedback-send").textContent = t("feedback_send");
    this.chat.feedback_sent = true;
    this.save();
    this.showFeedbackDone();
    if (inForm) $("thanks").focus();
    this.client?.finish(); // nothing more to say in a closed chat: free the connection
  }

  showFeedbackDone() {
    const done = Boolean(this.chat?.feedback_sent);
    $("feedback").hidden = done;
    $("thanks").hidden = !done;
  }

  expire() {
    this.client = null;
    this.chat = null;
    this.store.forgetChat();
    view.showConnection("");
    view.showSection("expired");
    this.host.post("started", { active: false });
    $("expired-new").focus();
  }

  // Leave the old chat behind (closed or expired) and go back to the start screen.
  newChat() {
    this.client?.stop();
    this.client = null;
    this.chat = null;
    this.store.forgetChat();
    view.showConnection("");
    $("feedback").reset();
    view.showSection("intro");
    this.host.post("started", { active: false });
    this.loadStatus();
    $("start").focus();
  }
}

function errorText(code) {
  return { too_large: t("err_too_large"), chat_closed: t("err_chat_closed") }[code] ?? code;
}

const FRAME_HANDLERS = {
  welcome(app, frame) {
    app.setState(frame.state);
    if (Number.isInteger(frame.last_seq) && frame.last_seq < app.chat.last_seq) {
      app.chat.last_seq = 0; // the server knows fewer messages than we do: start over
      app.chat.history = [];
      app.conversation.show(app.chat);
    }
    app.markSeen();
  },
  "message.created"(app, frame) {
    if (!Number.isInteger(frame.seq)) return;
    const result = app.conversation.add(frame);
    if (result === "gap") app.client.resync();
    if (result !== "new") return;
    app.save();
    app.updateHint();
    if (frame.author === "staff") view.showTyping(false);
    if (frame.author !== "resident") {
      if (app.host.seeing) app.markSeen();
      else app.setUnread(app.unread + 1);
    }
  },
  "chat.state"(app, frame) {
    app.setState(frame.state);
  },
  "queue.position"(app, frame) {
    if (app.chat.state === "queued" && Number.isInteger(frame.position)) {
      // staff_on_duty comes with the frame; before the server sends it, the status the
      // resident saw (refreshed when they asked for a person) is the best we know.
      const onDuty = Number.isInteger(frame.staff_on_duty) ? frame.staff_on_duty
        : (app.status?.open_now ? app.status.staff_on_duty : null);
      view.showQueue(frame.position, frame.estimated_wait_s, onDuty === 0);
    }
  },
  typing(app, frame) {
    if (frame.author === "resident") return;
    const staff = app.chat.history.findLast((m) => m.author === "staff");
    const who = frame.author === "staff" ? staff?.author_name ?? t("staff") : t("bot");
    view.showTyping(Boolean(frame.active), who);
  },
  read(app, frame) {
    if (frame.by !== "resident" && Number.isInteger(frame.seq)) {
      app.conversation.markRead(frame.seq);
      app.save();
    }
  },
  "feedback.ack"(app) {
    app.feedbackStored();
  },
  error(app, frame) {
    if (app.feedbackPending && frame.code === "conflict" && !frame.client_msg_id) {
      app.feedbackStored();
      return;
    }
    if (app.feedbackPending) {
      app.feedbackPending = false;
      $("feedback-send").textContent = t("feedback_send");
    }
    const key = { rate_limited: "err_rate_limited", chat_closed: "err_chat_closed" }[frame.code];
    app.conversation.announce(key ? t(key) : t("err_generic", { msg: String(frame.message ?? frame.code) }));
  },
};
