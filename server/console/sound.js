// Optional beep for a new chat in the queue (off by default; remembered in localStorage).
// WebAudio: no audio file to load, nothing leaves the page.

import { safeStorageGet, safeStorageSet } from "./dom.js";

const KEY = "neuvo.console.sound";

export class Sound {
  constructor(checkbox) {
    this.enabled = safeStorageGet(KEY) === "1";
    this.context = null;
    if (!checkbox) return;
    checkbox.checked = this.enabled;
    checkbox.addEventListener("change", () => {
      this.enabled = checkbox.checked;
      safeStorageSet(KEY, this.enabled ? "1" : "0");
      if (this.enabled) this.beep(); // a sample, and it unlocks audio after a user gesture
    });
  }

  beep() {
    if (!this.enabled) return;
    try {
      this.context ??= new AudioContext();
      const ctx = this.context;
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start();
      oscillator.stop(ctx.currentTime + 0.4);
      this.played = (this.played || 0) + 1;
    } catch {
      /* no audio available: the visual notice is enough */
    }
  }
}
