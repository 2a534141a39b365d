// UI texts (fi/sv/en); merged with the other strings by i18n.js.

export const INBOX_STRINGS = { fi: {}, sv: {}, en: {} };
