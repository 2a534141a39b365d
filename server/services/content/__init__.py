"""The content editor's services: bot content in the database, versioned (issue 12).

`store` (tables, draft saves), `intents` (the per-intent view and edits), `report`
(validation in plain language), `publish` (versions, publish, rollback), `live` (every
process answers from the published version), `transfer` (Rasa zip export/import).
"""
