"""Background work: runs of tasks (django-tasks) with their starter, state and outcome, the
lease that tells a dead worker's run from a live one, and schedules as data."""
