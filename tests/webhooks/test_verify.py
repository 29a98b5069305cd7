"""Mailgun webhook calls through a real WSGI server on loopback, signed as Mailgun signs them."""
import json
import secrets
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests

from mailgun_setup.errors import ConfigError, WebhookRejected
from mailgun_setup.webhooks import EVENT_KEY, TokenMemory, VerifiedWebhooks, WebhookCall, WebhookVerifier, sign

KEY = "whsk-" + secrets.token_hex(16)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _app(seen):
    def app(environ, start_response):
        call = environ[EVENT_KEY]
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        seen.append((call, body))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"event": call.event}).encode()]
    return app


@pytest.fixture
def server():
    """(url, calls the wrapped app received): the middleware with a 5-minute window."""
    seen = []
    httpd = make_server("127.0.0.1", 0, VerifiedWebhooks(_app(seen), WebhookVerifier(KEY)), handler_class=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hooks/mailgun", seen
    httpd.shutdown()
    httpd.server_close()


def _signature(key=KEY, age=0.0, token=None):
    timestamp = str(int(time.time() - age))
    token = token or secrets.token_hex(25)  # Mailgun's tokens are 50 characters
    return {"timestamp": timestamp, "token": token, "signature": sign(key, timestamp, token)}


def _json_call(signature, event=None):
    return {"signature": signature, "event-data": event or {"event": "failed", "severity": "permanent",
                                                              "recipient": "bob@example.com"}}


def _assert_refused(response, seen):
    assert response.status_code == 404
    assert response.content == b""  # nothing about why
    assert seen == []  # the wrapped app never ran


def test_signed_json_call_reaches_the_app_with_its_event(server):
    url, seen = server
    response = requests.post(url, json=_json_call(_signature()))
    assert response.status_code == 200
    assert response.json()["event"]["recipient"] == "bob@example.com"
    call, body = seen[0]
    assert isinstance(call, WebhookCall) and call.event["severity"] == "permanent"
    assert json.loads(body)["event-data"]["event"] == "failed"  # the body is still readable by the app


def test_signed_legacy_form_calls_pass_urlencoded_and_multipart(server):
    url, seen = server
    assert requests.post(url, data={**_signature(), "event": "bounced", "recipient": "a@x.com"}).status_code == 200
    multipart = {k: (None, v) for k, v in {**_signature(), "event": "dropped", "recipient": "b@x.com"}.items()}
    assert requests.post(url, files=multipart).status_code == 200
    assert [call.event for call, _ in seen] == [{"event": "bounced", "recipient": "a@x.com"},
                                              {"event": "dropped", "recipient": "b@x.com"}]


def test_wrong_signing_key_gets_404(server):
    url, seen = server
    _assert_refused(requests.post(url, json=_json_call(_signature(key="some-other-key"))), seen)


@pytest.mark.parametrize("field", ["timestamp", "token", "signature"])
def test_tampered_signed_fields_get_404(server, field):
    url, seen = server
    signature = _signature()
    signature[field] = str(int(signature[field]) - 1) if field == "timestamp" else signature[field][:-1] + (
        "0" if signature[field][-1] != "0" else "1")
    _assert_refused(requests.post(url, json=_json_call(signature)), seen)
    _assert_refused(requests.post(url, data=signature), seen)


@pytest.mark.parametrize("age", [301, 3600, -301])  # too old, much too old, from the future
def test_timestamp_outside_the_window_gets_404_even_when_correctly_signed(server, age):
    url, seen = server
    _assert_refused(requests.post(url, json=_json_call(_signature(age=age))), seen)


def test_replayed_token_gets_404(server):
    url, seen = server
    call = _json_call(_signature())
    assert requests.post(url, json=call).status_code == 200
    _assert_refused(requests.post(url, json=call), seen[1:])
    # the same token re-signed with a fresh timestamp is a replay too
    again = _signature(token=call["signature"]["token"])
    _assert_refused(requests.post(url, json=_json_call(again)), seen[1:])
    assert len(seen) == 1


@pytest.mark.parametrize("payload", [
    {"event-data": {"event": "failed"}},  # no signature block
    {"signature": {"timestamp": "1", "token": "t"}, "event-data": {}},  # no signature value
    {"signature": {"token": "t", "signature": "ab"}, "event-data": {}},  # no timestamp
    {"signature": {"timestamp": "1", "signature": "ab"}, "event-data": {}},  # no token
    "not an object",
])
def test_missing_fields_get_404(server, payload):
    url, seen = server
    _assert_refused(requests.post(url, json=payload), seen)


def test_signed_json_without_event_data_and_other_requests_get_404(server):
    url, seen = server
    _assert_refused(requests.post(url, json={"signature": _signature()}), seen)
    _assert_refused(requests.post(url, data=b"{not json", headers={"Content-Type": "application/json"}), seen)
    _assert_refused(requests.post(url, data=b"x", headers={"Content-Type": "text/plain"}), seen)
    _assert_refused(requests.get(url, params=_signature()), seen)
    _assert_refused(requests.post(url), seen)  # empty body


def test_window_is_configurable():
    ten_minutes_old = _signature(age=600)
    call = WebhookCall(ten_minutes_old["timestamp"], ten_minutes_old["token"], ten_minutes_old["signature"])
    with pytest.raises(WebhookRejected, match="window"):
        WebhookVerifier(KEY).verify(call)
    assert WebhookVerifier(KEY, max_age=900).verify(call) is call


def test_bad_settings_name_every_field_and_never_echo_the_key():
    with pytest.raises(ConfigError) as caught:
        WebhookVerifier("", max_age=0)
    assert [p.path for p in caught.value.problems] == ["signing_key", "max_age"]
    assert KEY not in repr(WebhookVerifier(KEY))


def test_token_memory_is_bounded_and_forgets_tokens_once_their_window_has_passed():
    now = [1000.0]
    memory = TokenMemory(max_tokens=2, clock=lambda: now[0])
    assert memory.remember("a", until=1300) and memory.remember("b", until=1100)
    assert not memory.remember("a", until=1300)
    with pytest.raises(WebhookRejected, match="full"):  # never forgets an unexpired token to make room
        memory.remember("c", until=1300)
    now[0] = 1200.0  # "b" can no longer pass the time window: its slot is free again
    assert memory.remember("c", until=1500) and len(memory) == 2
    assert not memory.remember("a", until=1300)


def test_token_memory_admits_a_token_once_under_concurrent_calls():
    memory = TokenMemory()
    results, barrier = [], threading.Barrier(16)

    def attempt():
        barrier.wait()
        results.append(memory.remember("same-token", until=time.time() + 300))

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 15 + [True]
