// Client message ids: 128 random bits as hex (the protocol allows [A-Za-z0-9_-]{8,64}).
export function newMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
