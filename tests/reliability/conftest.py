from .plugin import ledger, pytest_runtest_logreport, pytest_sessionfinish  # noqa: F401
