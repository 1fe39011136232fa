"""Hand-written forms and shared validators."""
