// Placeholder: rendered into its <section> of editor.html.

export function initInbox(_me) {}
