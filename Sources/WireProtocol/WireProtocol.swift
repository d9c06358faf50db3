// Placeholder: the frame codec and messages land here (issue 4).
