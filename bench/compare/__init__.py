"""The apps the console is measured against (``python -m bench.compare``): the floor page and
stock Flask-Admin over the same tables (Django admin where Django is installed)."""

# The list pages compared: each app's own list of these tables.
TABLES = ("client", "attendance", "training_session", "enrollment", "staff")
