"""Demo data (being written)."""


def load_demo(password: str) -> dict:
    raise NotImplementedError
