// County colour from the embed (?color=#rrggbb), applied as CSS custom properties.
// Whatever colour is given, text keeps a contrast of at least 4.5:1.

const HEX = /^#?([0-9a-f]{6})$/i;

function channels(hex) {
  const value = parseInt(hex, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const toHex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
const WHITE = [255, 255, 255];
const INK = [0, 0, 0]; // black: at the white/black crossover only pure black reaches 4.5:1

// Darken until the colour reads on white with 4.5:1 (used for links, borders, focus).
function readableOnWhite(rgb) {
  let current = rgb;
  while (contrast(current, WHITE) < 4.6) current = current.map((c) => Math.floor(c * 0.9));
  return current;
}

export function themeFor(color) {
  const match = HEX.exec(color || "");
  if (!match) return null;
  const accent = channels(match[1]);
  const onAccent = contrast(accent, WHITE) >= 4.5 ? WHITE : INK;
  return {
    "--accent": toHex(accent),
    "--on-accent": toHex(onAccent),
    "--accent-strong": toHex(readableOnWhite(accent)),
  };
}

export function applyTheme(color, root = document.documentElement) {
  const theme = themeFor(color);
  if (!theme) return;
  for (const [name, value] of Object.entries(theme)) root.style.setProperty(name, value);
}
