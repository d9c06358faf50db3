// Placeholder: the schedule store lands here (issue 3).
