// Placeholder: rendered into its <section> of editor.html.

export function initFacts(_me) {}
