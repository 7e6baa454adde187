"""The request id and client address of the request being served, for the audit trail."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


_current: ContextVar[RequestInfo | None] = ContextVar("cairn_request_info", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_info() -> RequestInfo | None:
    return _current.get()


def bind_request_info(info: RequestInfo | None) -> object:
    return _current.set(info)


def unbind_request_info(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
