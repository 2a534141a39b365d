// The demo county page at /: the general chat (no data-queue: the bot routes), or with
// ?queue=<id> one service's own chat page (the widget with data-queue). It lists the public
// services from GET /api/v1/queues and shows the embed snippet of the page being viewed.

const params = new URLSearchParams(location.search);
const wanted = params.get("queue") || "";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function embed(queue) {
  const script = el("script", { src: "/widget/neuvo.js", "data-server": "", "data-lang": "fi" });
  if (queue) script.dataset.queue = queue.id;
  script.async = true;
  document.body.append(script);
  const attrs = queue ? ` data-queue="${queue.id}"` : "";
  document.getElementById("snippet").textContent =
    `<script src="${location.origin}/widget/neuvo.js" data-lang="fi"${attrs} async></script>`;
}

function showServices(items, current) {
  const list = document.getElementById("services");
  const rows = items.map((q) => {
    const state = q.open_now ? "auki nyt" : "suljettu nyt";
    const general = q.id === "default";
    const href = general ? "/" : `/?queue=${encodeURIComponent(q.id)}`;
    const link = el("a", { href }, general ? `${q.name}: yleinen chat (botti ohjaa oikeaan palveluun)`
      : `${q.name}: palvelun oma chat`);
    if (current ? q.id === current.id : general) link.setAttribute("aria-current", "page");
    const details = [q.description, `${state}, ${q.hours_text}`].filter(Boolean).join(" – ");
    return el("li", {}, link, el("span", { class: "details" }, details));
  });
  if (rows.length) list.replaceChildren(...rows);
  document.getElementById("services-note").hidden = items.length > 1;
}

async function main() {
  let items = [];
  try {
    const res = await fetch("/api/v1/queues?lang=fi", { headers: { Accept: "application/json" } });
    if (res.ok) items = (await res.json()).items || [];
  } catch {
    /* the list is a courtesy: the general chat works without it */
  }
  const current = wanted ? items.find((q) => q.id === wanted && q.id !== "default") : null;
  if (current) {
    document.getElementById("demo-title").textContent = `${current.name} – chat`;
    document.getElementById("demo-door").textContent = "Tämän sivun chat avautuu suoraan tähän "
      + `palveluun (data-queue="${current.id}"). Chat-painike on sivun oikeassa alakulmassa.`;
    document.title = `${current.name} – Esimerkkihyvinvointialue`;
  }
  showServices(items, current);
  embed(current);
}

main();
