"""Validation at the edge: a parsed document checked by its pydantic model, every refusal
worded as a located problem (`FILE:LINE:COL: field.path: message`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from checker.errors import CheckerError, Problem
from checker.model.dates import _describe
from checker.read.sourcemap import Document, refuse_surrogates

M = TypeVar("M", bound=BaseModel)


def validate_model(model: type[M], doc: Document) -> M:
    """Validate parsed data against a model, turning every error into a located problem."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        # dict.fromkeys drops repeats in pydantic's order (a set's order varied from run to
        # run): problems at one place with one message stay in the model's field order.
        problems = sorted(
            dict.fromkeys(_problem(model, doc, error) for error in err.errors(include_url=False)),
            key=lambda p: (p.location.line or 0, p.location.column or 0, p.message),
        )
        raise CheckerError(problems) from None
    except UnicodeEncodeError:  # a lone surrogate, which pydantic cannot take: say where
        refuse_surrogates(doc)
        raise


def _problem(model: type[BaseModel], doc: Document, error: Any) -> Problem:
    path = _data_path(doc.data, error["loc"])
    kind = error["type"]
    if kind == "missing":
        return Problem(doc.locate(path, container=True), "required field is missing")
    location = doc.locate(path)
    if kind == "extra_forbidden":
        here = _model_at(model, path[:-1])
        return Problem(location, f"unknown field '{path[-1]}'{_suggest(str(path[-1]), here)}")
    return Problem(location, _message(error))


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The error location as a path into the data, without pydantic's union tags.

    A part the data holds is always a field, even one named like a tag ('str', 'a[b]'):
    telling them apart by name alone dropped such a field and crashed on unknown ones.
    """
    path: list[str | int] = []
    for part in loc:
        if _holds(data, part):
            data = data[part]
        elif _is_union_tag(part):
            continue
        else:
            data = None  # a field that is not there (missing): the path ends with it
        path.append(part)
    return tuple(path)


def _holds(data: Any, part: Any) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _is_union_tag(part: Any) -> bool:
    # pydantic names the union member it tried (e.g. 'list[...]') inside error locations.
    return isinstance(part, str) and ("[" in part or part in ("function-after", "str", "int"))


def _message(error: Any) -> str:
    kind, value, text = error["type"], error.get("input"), error["msg"]
    expected = {
        "float_type": "a number",
        "int_type": "a whole number",
        "string_type": "a string",
        "list_type": "a list",
        "dict_type": "an object",
        "model_type": "an object",
        "model_attributes_type": "an object",
        "bool_type": "true or false",
        "date_type": 'a date as "YYYY-MM-DD"',
    }
    if kind in expected:
        return f"expected {expected[kind]}, got {_describe(value)}"
    if kind == "literal_error":
        allowed = text.removeprefix("Input should be ").replace(" or ", ", ")
        return f"{_describe(value)} is not allowed; expected one of {allowed}"
    if kind == "value_error":
        return str(text.removeprefix("Value error, "))
    if kind == "finite_number":
        return "must be a finite number"
    if kind.startswith(("greater_than", "less_than")):
        return f"must be {text.removeprefix('Input should be ')}, got {_describe(value)}"
    return str(text[0].lower() + text[1:])


def _suggest(name: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return ""
    names = sorted(info.alias or field for field, info in model.model_fields.items())
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that describes the object at `path` (list indices and map keys skipped)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        info = current.model_fields.get(str(part)) if isinstance(part, str) else None
        if info is None:
            continue  # a list index or a map key: the same item model applies
        current = next(_model_args(info.annotation), None)
    return current


def _model_args(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _model_args(arg)
    for arg in getattr(annotation, "__metadata__", ()):
        yield from _model_args(arg)
