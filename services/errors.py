"""The one kind of error a user causes: a rule refused what they asked for."""

from __future__ import annotations


class Refusal(ValueError):
    """A domain rule refused a step; ``str(exc)`` is the message for the user.

    Every service's refusal derives from it (contracts, conferences, accounts, uploads, the
    roster import), and ``run_step`` catches only it: any other error is a defect, logged
    with its traceback and answered with the error page, with nothing saved. It is a
    ValueError too, so one raised while WTForms reads a field shows next to that field.
    """
