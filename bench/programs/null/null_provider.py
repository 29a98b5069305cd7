"""The baseline's dynamic provider: makes no call and returns its inputs.

It lives in a module of its own, importable by name (the bench puts this folder on
``PYTHONPATH``), so the SDK pickles it by reference into every resource's ``__provider``,
as it pickles ours: a class of the program's ``__main__`` would be pickled by value with the
module's globals, and the baseline's state would be bigger than the engine's own share. Like
ours, it tells the SDK that its pickle holds no secret, so it is stored unencrypted.
"""
import uuid

from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult


class NullProvider(ResourceProvider):
    serialize_as_secret_always = False  # as ours: the pickle holds no secret, so it is stored as plain base64

    def create(self, props):
        return CreateResult(id_=uuid.uuid4().hex, outs=dict(props))

    def diff(self, id, olds, news):
        return DiffResult(changes=olds.get("bump") != news.get("bump"))

    def update(self, id, olds, news):
        return UpdateResult(outs=dict(news))

    def read(self, id, props):
        return ReadResult(id_=id, outs=dict(props))

    def delete(self, id, props):
        pass
