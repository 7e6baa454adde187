"""Model instances loaded from rows without running `Model.__init__` for each.

`Model.from_db` builds every instance through `__init__`, which walks all of the model's
concrete fields (sixty on a participant) whatever the query selected: 35 µs an instance, so
Today's few hundred people and notes cost it about 10 ms. `from_db` here, set on the models that
fill long lists (`from_db = fast_from_db`, Django's documented hook), puts the selected values
straight into the instance's `__dict__`, which is what `__init__` ends up doing for plain
columns; fields left out stay deferred and load on first use, as before (2.4 µs an instance).

It falls back to Django's own path whenever that would differ: a receiver of `pre_init` or
`post_init` for the model, or a selected column whose class attribute stores values its own way
(a descriptor with `__set__`, other than a foreign key's id).
"""

from collections.abc import Collection
from functools import cache
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=Model)


@cache
def _plain_columns(model: type[Model]) -> frozenset[str]:
    """The attnames `__init__` would store by a plain `__dict__` write."""
    plain = set()
    for field in model._meta.concrete_fields:
        attribute = None
        for klass in model.__mro__:  # the descriptor may sit on an abstract parent
            if field.attname in klass.__dict__:
                attribute = klass.__dict__[field.attname]
                break
        stores_itself = hasattr(type(attribute), "__set__")
        if not stores_itself or isinstance(attribute, ForeignKeyDeferredAttribute):
            plain.add(field.attname)
    return frozenset(plain)


def _fast_from_db(
    cls: type[M], db: str | None, field_names: Collection[str], values: Collection[Any]
) -> M:
    if (
        pre_init.has_listeners(cls)
        or post_init.has_listeners(cls)
        or not _plain_columns(cls).issuperset(field_names)
    ):
        return Model.from_db.__func__(cls, db, field_names, values)  # type: ignore[attr-defined]
    instance = cls.__new__(cls)
    state = instance._state = ModelState()
    state.adding = False
    state.db = db
    instance.__dict__.update(zip(field_names, values, strict=True))
    return instance


# Typed loosely: each model assigns it where Django types `from_db` by the model itself.
fast_from_db: Any = classmethod(_fast_from_db)
