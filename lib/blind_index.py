"""Keyed hashes beside encrypted values that must still be filtered in SQL ("blind indexes").

A report filtered by gender, the duplicate check by legal name and the caseload filtered by
pathway compare equal values; the database holds HMAC-SHA256 digests of the normalized value
(one per item for a list) and the query compares digests. Equal values give equal digests,
which is what the filter needs and all the database learns.

The key is CAIRN_HASH_KEY when set, otherwise derived from SECRET_KEY. It is independent of
CAIRN_FIELD_KEYS, so rotating field keys leaves every digest valid. If the hash key itself
changes, `manage.py rotate_keys` recomputes every digest from the decrypted values.
"""

import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

_M = TypeVar("_M", bound=models.Model)


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"cairn keyed hash v1", hashlib.sha256).digest()


def hash_key() -> bytes:
    return _key(settings.CAIRN_HASH_KEY or settings.SECRET_KEY)


def normalized(text: str) -> str:
    """What "the same answer" means: case and spacing never matter ("Two  Spirit", "two spirit")."""
    return " ".join(str(text).split()).casefold()


def keyed_hash(text: str) -> str:
    """The digest a filter compares; empty text stays empty (nothing to find)."""
    text = normalized(text)
    if not text:
        return ""
    return hmac.new(hash_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def keyed_hashes(items: Iterable[Any]) -> list[str]:
    return sorted({digest for item in items or [] if (digest := keyed_hash(item))})


class KeyedHashField(models.CharField):
    """The keyed hash of another field's value, computed whenever the row is written."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.hash_of = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.hash_of
        return name, path, args, kwargs

    def hash_for(self, value: Any) -> str:
        return keyed_hash(value or "")

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.hash_for(getattr(model_instance, self.hash_of))
        setattr(model_instance, self.attname, value)
        return value


class KeyedHashListField(models.JSONField):
    """One keyed hash per item of another field's list: `field__has_item=keyed_hash(item)`."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.hash_of = source
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.hash_of
        return name, path, args, kwargs

    def hash_for(self, value: Any) -> list[str]:
        return keyed_hashes(value or [])

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.hash_for(getattr(model_instance, self.hash_of))
        setattr(model_instance, self.attname, value)
        return value


def hash_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if getattr(f, "hash_of", "")]


def with_keyed_hashes(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """`values` for a queryset update, plus the digests of any hashed field among them."""
    fields = [f for f in hash_fields(model) if f.hash_of in values]
    return {**values, **{f.attname: f.hash_for(values[f.hash_of]) for f in fields}}


def update_fields_with_hashes(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """`save(update_fields=...)` names, plus the digest fields whose source is among them."""
    names = list(names)
    fields = [f for f in hash_fields(model) if f.hash_of in names and f.attname not in names]
    return names + [f.attname for f in fields]


class HashedQuerySet(models.QuerySet[_M]):
    """A queryset whose update() keeps keyed hashes in step with the values they digest."""

    def update(self, **kwargs: Any) -> int:
        return super().update(**with_keyed_hashes(self.model, kwargs))


class HashedModel(models.Model):
    """A model whose save(update_fields=...) keeps keyed hashes in step with their sources."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = update_fields_with_hashes(type(self), kwargs["update_fields"])
        super().save(*args, **kwargs)


def refresh_keyed_hashes(*, batch_size: int = 500, on_batch: Any = None) -> int:
    """Recompute every digest from the decrypted values (after the hash key changed)."""
    from django.apps import apps

    return sum(
        refresh_model_hashes(model, batch_size=batch_size, on_batch=on_batch)
        for model in apps.get_models()
        if hash_fields(model)
    )


def refresh_model_hashes(
    model: type[models.Model], *, batch_size: int = 500, on_batch: Any = None
) -> int:
    """Recompute one model's digests in primary-key order and small batches (also used by the
    migrations that add them, with the historical model)."""
    fields = hash_fields(model)
    sources = sorted({f.hash_of for f in fields})
    done, last = 0, None
    while True:
        rows = model._base_manager.order_by("pk").only("pk", *sources)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows[:batch_size])
        if not batch:
            return done
        for row in batch:
            for f in fields:
                setattr(row, f.attname, f.hash_for(getattr(row, f.hash_of)))
        model._base_manager.bulk_update(batch, [f.attname for f in fields])
        done += len(batch)
        last = batch[-1].pk
        if on_batch is not None:
            on_batch(len(batch))
