// Placeholder: the benchmark tool lands here (issue 3).
print("scheduler-bench: no scenarios yet")
