"""`checker schema`, `checker new`, `checker timeline` and `checker why-not` on the command line.

`new` asks its questions here (prompting is the command line's own business); what it
builds, checks and writes is `checker.read.scaffold`'s.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from checker.cli.shared import Format, FormatOpt, ReadingOpt, RulesOpt, app, call
from checker.errors import CheckerError, Location
from checker.report.writer import Writer


class SchemaKind(StrEnum):
    scenario = "scenario"
    rulebook = "rulebook"


@app.command("schema")
def schema_command(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            metavar="scenario|rulebook", help="Which file format: scenario or rulebook."
        ),
    ] = SchemaKind.scenario,
    rules: RulesOpt = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of scenario files or rule files.

    The scenario schema lists the weapons of the rulebook's catalogue; editors use it to
    validate and complete scenario files (see docs/editor.md).

    Example: checker schema scenario > schema/scenario.schema.json
    """
    from checker.commands.explore import schema

    call(lambda w: schema(w, kind.value, rules=rules))


# --------------------------------------------------------------------------- new

ListOpt = list[str] | None


@app.command("new")
def new_command(
    weapon: Annotated[str | None, typer.Option(help="Weapon name or alias (any case).")] = None,
    territory: Annotated[
        str | None, typer.Option(help="ISO 3166 code of the target: RU, RU-KRS, UA-43...")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Target kind, e.g. ammunition_depot.")] = None,
    date: Annotated[str | None, typer.Option(help="Day of the strike, YYYY-MM-DD.")] = None,
    forces: Annotated[
        ListOpt,
        typer.Option(metavar="CODES", help="Forces at the target (repeat, or RU,KP); '' for none."),
    ] = None,
    operator: Annotated[str | None, typer.Option(help="Who fires (default UA).")] = None,
    consent: Annotated[
        ListOpt, typer.Option(metavar="CODES", help="States assumed to consent (repeat, or GB,US).")
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

    def command(writer: Writer) -> int:
        nonlocal expect
        from checker.commands.explore import current_verdict
        from checker.commands.project import rulebook
        from checker.read import scaffold

        book = rulebook(rules)
        if output not in (None, "-"):
            scaffold.refuse_existing(Path(output), force)
        if expect and expect_current:
            raise CheckerError.at(
                Location("--expect"), "give --expect or --expect-current, not both"
            )
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
            "consent",
            _joined(consent),
            "States assumed to consent (e.g. US; Enter: none)",
            default="",
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
            data["expect"] = current_verdict(data, book)
            data = scaffold.build(**_rebuild(data))
        target = output
        if target is None and interactive:
            target = ask("output", None, "Write to file", default=f"{data['id']}.json", check=False)
        text = scaffold.render(data)
        scaffold.check_file(text, book, target or "(new scenario)")
        if target in (None, "-"):
            writer.out(text, data=True)
            return 0
        path = Path(target)
        scaffold.write_atomically(path, text, force=force)
        verdict = data.get("expect")
        note = f" (expect: {verdict})" if verdict else ""
        writer.err(f"wrote {path}{note}; evaluate it: checker eval {path}\n")
        return 0

    call(command)


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
        from checker.read import scaffold

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
def timeline_command(
    weapon: Annotated[
        list[str], typer.Option(metavar="NAME", help="Weapon name or alias (repeat for several).")
    ],
    territory: Annotated[
        ListOpt,
        typer.Option(
            metavar="CODE",
            help="ISO code of the target (repeat; default: RU-KRS and another oblast).",
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="Target kind (default: one the weapon's grants cover).")
    ] = None,
    forces: Annotated[
        ListOpt, typer.Option(metavar="CODES", help="Forces at the target (repeat, or RU,KP).")
    ] = None,
    consent: Annotated[
        ListOpt, typer.Option(metavar="CODES", help="States assumed to consent (repeat, or GB,US).")
    ] = None,
    operator: Annotated[str, typer.Option(help="Who fires.")] = "UA",
    reading: ReadingOpt = None,
    format: FormatOpt = Format.text,
    plot: Annotated[
        str | None,
        typer.Option(
            metavar="FILE", help="Also draw the timeline: FILE.png, FILE.svg or FILE.pdf."
        ),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """The date intervals over which the verdict holds, per reading, each with the rule that opened it.

    Every dimension but the date is fixed by the options; the dates are split where any
    rule's date falls, and each interval is evaluated by the engine.

    Example: checker timeline --weapon ATACMS --territory RU-KRS --territory RU-BEL --kind ammunition_depot --plot atacms.png
    """
    from checker.commands.explore import timeline

    call(
        lambda w: timeline(
            w,
            weapon,
            territories=territory,
            kind=kind,
            forces=forces,
            consents=consent,
            operator=operator,
            reading=reading,
            format=format.value,
            plot=plot,
            rules=rules,
        )
    )


# --------------------------------------------------------------------------- why-not


@app.command("why-not")
def why_not_command(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="A scenario file.")],
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
    from checker.commands.explore import why_not

    call(lambda w: why_not(w, scenario, format=format.value, reading=reading, rules=rules))
