import pytest

from .ledger import Ledger

_LEDGER = Ledger()


@pytest.fixture
def ledger(request):
    """The session's results file; entries are tagged with the test that recorded them."""
    _LEDGER.test = request.node.nodeid
    if not _LEDGER.entries:
        _LEDGER.save()  # a fresh file per session, even before the first entry
    yield _LEDGER
