// UI texts (fi/sv/en); merged with the other strings by i18n.js.

export const TOOLS_STRINGS = { fi: {}, sv: {}, en: {} };
