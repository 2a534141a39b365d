// Session expiry: a warning a few minutes before `session_expires_at`, then the
// "session ended" state when it passes (the socket also closes with 4401 then).

import { $, formatTime, localeFor } from "./dom.js";
import { lang, onLangChange, t } from "./i18n.js";

const WARN_BEFORE_MS = 5 * 60 * 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SessionClock {
  constructor(app) {
    this.app = app;
    this.timer = 0;
    this.expiresAt = null;
    onLangChange(() => this.showWarning());
  }

  watch(expiresAt) {
    this.stop();
    const at = expiresAt ? new Date(expiresAt) : null;
    if (!at || Number.isNaN(at.getTime())) return;
    this.expiresAt = at;
    this.schedule();
  }

  schedule() {
    clearTimeout(this.timer);
    const untilWarning = this.expiresAt.getTime() - WARN_BEFORE_MS - Date.now();
    if (untilWarning > 0) {
      this.timer = setTimeout(() => this.schedule(), Math.min(untilWarning, MAX_TIMER_MS));
      return;
    }
    this.warned = true;
    this.showWarning();
    const untilEnd = this.expiresAt.getTime() - Date.now();
    this.timer = setTimeout(() => this.expired(), Math.max(0, untilEnd));
  }

  showWarning() {
    if (!this.warned || !this.expiresAt) return;
    $("#session-warning-text").textContent = t("session_warning", {
      time: formatTime(this.expiresAt.toISOString(), localeFor(lang())),
    });
    $("#session-warning").hidden = false;
  }

  expired() {
    // Let the server confirm: /me answers 401 and the api module ends the session.
    // Clocks may differ a little: check again until the server says so.
    this.app.sessionCheck?.();
    this.timer = setTimeout(() => this.expired(), 15_000);
  }

  stop() {
    clearTimeout(this.timer);
    this.warned = false;
    this.expiresAt = null;
    $("#session-warning").hidden = true;
  }
}
