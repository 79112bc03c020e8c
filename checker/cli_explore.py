"""Commands for writing and exploring scenarios: schema, new, timeline, why-not.

Thin layers over `checker.schema`, `checker.scaffold` and `checker.explore`; heavy imports
(matplotlib, pycountry tables, durable) happen inside the commands.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from checker.cli import (
    Format,
    FormatOpt,
    ReadingOpt,
    RulesOpt,
    _emit,
    _err,
    _out,
    app,
    handles_errors,
)
from checker.errors import CheckerError, Location


class SchemaKind(StrEnum):
    scenario = "scenario"
    rulebook = "rulebook"


@app.command("schema")
@handles_errors
def schema_command(
    kind: Annotated[
        SchemaKind, typer.Argument(help="Which file format: scenario or rulebook.")
    ] = SchemaKind.scenario,
    rules: RulesOpt = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of scenario files or rule files.

    The scenario schema lists the weapons of the rulebook's catalogue; editors use it to
    validate and complete scenario files (see docs/editor.md).

    Example: checker schema scenario > schema/scenario.schema.json
    """
    from checker.read.jsonschema import dumps, schema_for
    from checker.read.rulebook import load_rulebook

    book = load_rulebook(rules) if kind is SchemaKind.scenario else None
    sys.stdout.write(dumps(schema_for(kind.value, book)))


# --------------------------------------------------------------------------- new

ListOpt = list[str] | None


@app.command("new")
@handles_errors
def new_command(
    weapon: Annotated[str | None, typer.Option(help="Weapon name or alias (any case).")] = None,
    territory: Annotated[
        str | None, typer.Option(help="ISO 3166 code of the target: RU, RU-KRS, UA-43...")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Target kind, e.g. ammunition_depot.")] = None,
    date: Annotated[str | None, typer.Option(help="Day of the strike, YYYY-MM-DD.")] = None,
    forces: Annotated[
        ListOpt, typer.Option(help="Forces at the target (repeat, or RU,KP); '' for none.")
    ] = None,
    operator: Annotated[str | None, typer.Option(help="Who fires (default UA).")] = None,
    consent: Annotated[
        ListOpt, typer.Option(help="States assumed to consent (repeat, or GB,US).")
    ] = None,
    target_location: Annotated[
        str | None, typer.Option(metavar="LAT,LON", help="Where the target is.")
    ] = None,
    launch_location: Annotated[
        str | None, typer.Option(metavar="LAT,LON", help="Where the weapon is fired from.")
    ] = None,
    id: Annotated[str | None, typer.Option("--id", help="Scenario id (default: derived).")] = None,
    title: Annotated[str | None, typer.Option(help="One-line title (default: derived).")] = None,
    expect: Annotated[
        str | None, typer.Option(help="Expected verdict: permitted, prohibited, undetermined.")
    ] = None,
    expect_current: Annotated[
        bool,
        typer.Option("--expect-current", help="Set `expect` to the verdict under the rulebook."),
    ] = False,
    schema: Annotated[
        str | None, typer.Option("--schema", metavar="URL", help='Write this "$schema" value.')
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", metavar="FILE", help="File to write; - prints.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt: a missing required flag is an error.")
    ] = False,
    rules: RulesOpt = None,
) -> None:
    """Write a new scenario file: asks for each field (interactive), or takes them all as flags.

    Every answer is checked on the spot as `checker eval` checks it; the file is written
    only at the end (Ctrl-C leaves nothing behind) and never over an existing file
    without --force. With every required flag given, nothing is asked.

    Example: checker new --weapon ATACMS --territory RU-KRS --kind troops --forces RU --date 2024-11-20 -o kursk.json
    """
    from checker import scaffold
    from checker.read.rulebook import load_rulebook

    book = load_rulebook(rules)
    if output not in (None, "-"):
        scaffold.refuse_existing(Path(output), force)
    if expect and expect_current:
        raise CheckerError.at(Location("--expect"), "give --expect or --expect-current, not both")
    required = {"weapon": weapon, "territory": territory, "kind": kind, "date": date}
    interactive = any(v is None for v in required.values())
    if interactive and no_input:
        missing = ", ".join(f"--{k}" for k, v in required.items() if v is None)
        raise CheckerError.at(Location("checker new"), f"missing {missing} (and --no-input)")
    ask = _Asker(book, interactive)

    names = ", ".join(w.name for w in book.weapons)
    weapon_name = ask(
        "weapon", weapon, f"Weapon ({names})", lambda v: scaffold.check_weapon(book, v)
    )
    kinds = "  ".join(f"{n}) {k}" for n, k in enumerate(_kinds(), 1))
    where = ask("territory", territory, "Target territory, ISO code (RU-KRS, RU, UA-43, BY)")
    what = ask("kind", kind, f"Target kind ({kinds})")
    day = ask("date", date, "Date of the strike (YYYY-MM-DD, or today)")
    fired_by = ask("operator", operator, "Who fires (ISO code)", default="UA")
    forces_list = _list(
        ask(
            "forces",
            _joined(forces),
            "Forces at the target (e.g. RU,KP; Enter: not given)",
            default="",
        ),
        forces,
    )
    consents = ask(
        "consent", _joined(consent), "States assumed to consent (e.g. US; Enter: none)", default=""
    )
    at_target = ask(
        "location", target_location, "Target location LAT,LON (Enter: skip)", default=""
    )
    at_launch = ask(
        "location", launch_location, "Launch location LAT,LON (Enter: skip)", default=""
    )
    if interactive and not expect_current and expect is None:
        expect = (
            ask(
                "expect",
                None,
                "Expected verdict (permitted/prohibited/undetermined; Enter: none)",
                default="",
            )
            or None
        )
    elif expect is not None:
        expect = ask("expect", expect, "")

    data = scaffold.build(
        weapon=weapon_name,
        territory=where,
        kind=what,
        day=day,
        operator=fired_by or "UA",
        forces=forces_list,
        consent=consents or None,
        target_location=at_target or None,
        launch_location=at_launch or None,
        id=id,
        title=title,
        expect=expect,
        schema=schema,
    )
    if interactive:
        data["id"] = ask("id", None, "Scenario id", default=data["id"], check=False)
        data["title"] = ask("title", title, "Title", default=data["title"], check=False)
    if expect_current:
        data["expect"] = scaffold.current_verdict(data, book)
        data = scaffold.build(**_rebuild(data))
    target = output
    if target is None and interactive:
        target = ask("output", None, "Write to file", default=f"{data['id']}.json", check=False)
    text = scaffold.render(data)
    scaffold.check_file(text, book, target or "(new scenario)")
    if target in (None, "-"):
        sys.stdout.write(text)
        return
    path = Path(target)
    scaffold.write_atomically(path, text, force=force)
    verdict = data.get("expect")
    note = f" (expect: {verdict})" if verdict else ""
    _err().print(
        f"wrote {escape(str(path))}{escape(note)}; evaluate it: checker eval {escape(str(path))}"
    )


def _kinds() -> tuple[str, ...]:
    from checker.model.terms import TARGET_KINDS

    return TARGET_KINDS


def _joined(values: list[str] | None) -> str | None:
    return None if values is None else ",".join(values)


def _list(value: Any, given: list[str] | None) -> list[str] | None:
    """Forces: None when not given; [] when given as '' on the command line."""
    if value in (None, "") and given is None:
        return None
    return list(value or [])


def _rebuild(data: dict[str, Any]) -> dict[str, Any]:
    target = data["target"]
    return {
        "weapon": data["weapon"],
        "territory": target["territory"],
        "kind": target["kind"],
        "day": data["date"],
        "operator": data["operator"],
        "forces": target.get("forces"),
        "consent": (data.get("assume") or {}).get("consent"),
        "target_location": target.get("location"),
        "launch_location": (data.get("launch") or {}).get("location"),
        "id": data.get("id"),
        "title": data.get("title"),
        "notes": data.get("notes"),
        "expect": data.get("expect"),
        "schema": data.get("$schema"),
    }


class _Asker:
    """A flag's value checked once (exit 2 when bad), or a prompt re-asked until good."""

    def __init__(self, book: Any, interactive: bool) -> None:
        self.book, self.interactive = book, interactive

    def __call__(
        self,
        name: str,
        given: str | None,
        question: str,
        check: Any = None,
        *,
        default: str | None = None,
    ) -> Any:
        from checker import scaffold

        validate = (
            check if callable(check) else scaffold.CHECKS.get(name) if check is not False else None
        )

        def proc(value: str) -> Any:
            if value == "" and default == "":
                return ""
            if validate is None:
                return value
            try:
                return validate(value)
            except ValueError as err:
                raise typer.BadParameter(str(err)) from None

        if given is not None:
            try:
                return proc(given)
            except typer.BadParameter as err:
                flag = {"location": "--target-location/--launch-location"}.get(name, f"--{name}")
                raise CheckerError.at(Location(flag), err.message) from None
        if not self.interactive:
            return proc(default) if default not in (None, "") else ("" if default == "" else None)
        return typer.prompt(
            question, default=default, value_proc=proc, show_default=bool(default), err=True
        )


# --------------------------------------------------------------------------- timeline


@app.command("timeline")
@handles_errors
def timeline_command(
    weapon: Annotated[list[str], typer.Option(help="Weapon name or alias (repeat for several).")],
    territory: Annotated[
        ListOpt,
        typer.Option(help="ISO code of the target (repeat; default: RU-KRS and another oblast)."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Target kind (default: one the weapon's grants cover).")
    ] = None,
    forces: Annotated[
        ListOpt, typer.Option(help="Forces at the target (repeat, or RU,KP).")
    ] = None,
    consent: Annotated[
        ListOpt, typer.Option(help="States assumed to consent (repeat, or GB,US).")
    ] = None,
    operator: Annotated[str, typer.Option(help="Who fires.")] = "UA",
    reading: ReadingOpt = None,
    format: FormatOpt = Format.text,
    plot: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="Also draw the timeline: FILE.png or FILE.svg."),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """The date intervals over which the verdict holds, per reading, each with the rule that opened it.

    Every dimension but the date is fixed by the options; the dates are split where any
    rule's date falls, and each interval is evaluated by the engine.

    Example: checker timeline --weapon ATACMS --territory RU-KRS --territory RU-BEL --kind ammunition_depot --plot atacms.png
    """
    from checker.explore.render import TIMELINE_RENDERERS
    from checker.explore.timeline import timeline
    from checker.read.rulebook import load_rulebook

    book = load_rulebook(rules)
    result = timeline(
        book,
        weapon,
        territories=[t for part in territory or [] for t in part.split(",") if t.strip()],
        kind=_kind(kind),
        forces=_codes("--forces", forces),
        consents=_codes("--consent", consent) or (),
        operator=operator,
        reading=reading,
    )
    _emit(_out(), TIMELINE_RENDERERS[format.value](result), format)
    if plot:
        from checker.explore.plot import draw

        path = draw(result, plot)
        _err().print(f"drew {escape(str(path))}")


def _kind(kind: str | None) -> str | None:
    from checker import scaffold

    if kind is None:
        return None
    try:
        return scaffold.check_kind(kind)
    except ValueError as err:
        raise CheckerError.at(Location("--kind"), str(err)) from None


def _codes(option: str, values: list[str] | None) -> list[str] | None:
    from checker import scaffold

    if values is None:
        return None
    try:
        return scaffold.check_codes(values)
    except ValueError as err:
        raise CheckerError.at(Location(option), str(err)) from None


# --------------------------------------------------------------------------- why-not


@app.command("why-not")
@handles_errors
def why_not_command(
    scenario: Annotated[str, typer.Argument(help="A scenario file.")],
    format: FormatOpt = Format.text,
    reading: ReadingOpt = None,
    rules: RulesOpt = None,
) -> None:
    """The smallest changes to a scenario that would give a different verdict, and why.

    Searches the finite scenario space through the engine: one field at a time (the
    nearest dates before and after, consents, kinds, territories, forces, operator, the
    reading), two when no single change is enough; ranked by how many fields change.

    Example: checker why-not scenarios/dates/atacms-kursk-depot-2024-11-16.json
    """
    from checker.explore.render import WHY_NOT_RENDERERS
    from checker.explore.whynot import why_not
    from checker.read.rulebook import load_rulebook
    from checker.read.scenario import load_scenario

    book = load_rulebook(rules)
    if not Path(scenario).is_file():
        raise CheckerError.at(Location(scenario), "no such file")
    loaded = load_scenario(scenario, book)
    result = why_not(book, loaded, reading=reading, file=scenario)
    _emit(_out(), WHY_NOT_RENDERERS[format.value](result), format)
