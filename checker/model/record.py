"""Records some of whose fields are kept beside the value, not part of it."""

from typing import Any, ClassVar

from msgspec import Struct


class PartlyCompared(Struct, frozen=True):
    """A frozen record whose fields named in `uncompared` (a cache, what a report draws,
    what an explanation says) are left out of its equality and its hash."""

    uncompared: ClassVar[tuple[str, ...]] = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and _compared(self) == _compared(other)

    def __hash__(self) -> int:
        return hash(_compared(self))


def _compared(record: Any) -> tuple[Any, ...]:
    return tuple(
        getattr(record, name) for name in record.__struct_fields__ if name not in record.uncompared
    )
