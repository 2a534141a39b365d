// Placeholder: rendered into its <section> of editor.html.

export function initParity(_me) {}
