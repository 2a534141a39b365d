// Placeholder: rendered into its <section> of editor.html.

export function initEvaluation(_me) {}
