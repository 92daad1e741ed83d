"""The service layer: the application (the event store, atomic saves) and its use cases by family. Only
entrypoints (`cli`, `api`) and the demo import it; it imports the domain (aggregates, rules, rule book, calendar).

- `application.py`: the eventsourcing Application; builds the unit of work and the families, and keeps one-line
  commands answering plain values (`app.apply`, `app.pay_fee`, …) for the demo, the CLI and the tests.
- `unit_of_work.py`: what every use case shares (loading, the case a command starts from, one atomic save, the ban
  check, the rule book and calendar). No use case imports the application.
- `outcome.py`: `Outcome` (id, version, stage, log position, result), which every family command answers.
- The families: `intake` (apply, review, reject), `fees` (pay, lapse, withdraw), `results` (attendance, results,
  retakes), `sanctions`, `certificates` (issue, revoke, reissue, numbering), `complaints` (the hotline),
  `scheduling` (sittings, the monthly plan's rules); `case_log` scans the log for them.
- Replay: `replay.py`, a case's state as of a version, a recording moment or a business date (`moment.py`: which
  of these is asked for); `case_timeline.py`, its timeline; `case_diff.py`, what changed between two moments;
  `complaint_timeline.py`, a complaint's timeline, its complainant's contact masked; `json_safe.py`, the masked,
  JSON-safe values they return. All read the application through a small protocol (`replay.EventSource`)."""
