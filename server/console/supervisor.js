// The supervisor page: live overview (polled every 2 s), residents' feedback, staff
// accounts, canned replies, service hours and the announcement, and the service queues. One
// section is shown at a time (#hash navigation).

import { $, $$ } from "./dom.js";
import { applyTexts, onLangChange } from "./i18n.js";
import { startPage, pageAlert } from "./pageshell.js";
import { Overview } from "./overview.js";
import { StaffAdmin } from "./staffadmin.js";
import { CannedAdmin } from "./cannedadmin.js";
import { ServiceAdmin } from "./hours.js";
import { FeedbackView } from "./feedbackview.js";
import { QueueAdmin } from "./queueadmin.js";

const SECTIONS = ["overview", "feedback", "staff", "canned", "service", "queues"];

async function main() {
  let me;
  try {
    me = await startPage();
  } catch {
    return; // redirected to the login page
  }
  $("#link-audit").hidden = !me.roles.includes("admin");
  const parts = {
    overview: new Overview(),
    feedback: new FeedbackView(),
    staff: new StaffAdmin(me),
    canned: new CannedAdmin(),
    service: new ServiceAdmin(),
    queues: new QueueAdmin(),
  };
  const show = (focus) => {
    const name = SECTIONS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "overview";
    for (const section of SECTIONS) $(`#${section}`).hidden = section !== name;
    for (const link of $$(".page-nav a")) {
      if (link.getAttribute("href") === `#${name}`) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    pageAlert("");
    parts[name].show();
    if (focus) {
      const heading = $(`#${name} h2`);
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  };
  window.addEventListener("hashchange", () => show(true));
  onLangChange(() => {
    applyTexts();
    for (const part of Object.values(parts)) part.render();
  });
  show(false);
  parts.overview.start();
}

main();
