// Placeholder: rendered into its <section> of editor.html.

export function initPreview(_me) {}
