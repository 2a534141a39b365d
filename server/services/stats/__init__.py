"""Statistics for supervisors (issue 11, section 3): everything that READS the anonymised
statistics tables (`chat_stats`, `chat_stats_messages`, `phone_calls`).

- `filters`: the query (Helsinki days, language, municipality, queue), validated;
- `definitions`: every metric's definition, in one place (fi/sv/en), shown beside its chart;
- `queries`: the SQL (SQLite and PostgreSQL), grouped by UTC hour so a year is ~9,000 rows;
- `aggregates`: the report (days, heat map, waits, rates, breakdowns, weekly follow-up);
- `suppression`: small-number and complementary suppression of every count cell;
- `tables` / `csv_export`: the report as tables and CSV; `conversations`: click-through;
- `phone`: the daily phone-call upload; `digest`: the weekly digest.
"""
