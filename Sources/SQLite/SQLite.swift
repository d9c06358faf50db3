// Placeholder: the SQLite wrapper lands here (issue 3).
