from types import SimpleNamespace

from mailgun_setup.dns.cloudflare import _api_error
from mailgun_setup.errors import RecordConflictError, ZoneNotFoundError


def _refusal(status: int, code: int, message: str):
    return SimpleNamespace(status_code=status, body={"errors": [{"code": code, "message": message}]})


def test_a_missing_record_is_not_reported_as_a_missing_zone():
    # A retried batch whose first attempt was applied (answer lost) meets 81044 on its deletes.
    error = _api_error("change records at mail.example.org", _refusal(404, 81044, "Record does not exist."))
    assert isinstance(error, RecordConflictError)
    assert "Cloudflare refused to change records at mail.example.org: 81044" in str(error)
    assert "zone no longer exists" not in str(error)
    assert "answer was lost" in str(error) and "pulumi up" in str(error)


def test_a_missing_zone_is_still_reported_as_such():
    error = _api_error("list records", _refusal(404, 7003, "Could not route to /zones/x"))
    assert isinstance(error, ZoneNotFoundError)
