// UI texts (fi/sv/en); merged with the other strings by i18n.js.

export const EVAL_STRINGS = { fi: {}, sv: {}, en: {} };
