"""The ISO 3166 table the package ships (`checker/model/iso3166.txt`), from pycountry.

Reading the shipped table takes about a millisecond; loading pycountry about fifty. So
pycountry is used only here, to regenerate the table (a test checks it is current):
`python -m checker.read.isotable > checker/model/iso3166.txt`.
"""

from __future__ import annotations


def table_from_pycountry() -> str:
    """The text of iso3166.txt as pycountry has it (to regenerate it, and for a test)."""
    import pycountry  # only when regenerating: its tables are slow to load

    countries = sorted(
        (c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries
    )
    subdivisions = sorted((s.code, s.name) for s in pycountry.subdivisions)
    head = (
        "# ISO 3166-1 alpha-2 and ISO 3166-2 codes and their ISO names, from pycountry.\n"
        "# Regenerate: python -m checker.read.isotable > checker/model/iso3166.txt (a test checks it).\n"
    )
    return head + "".join(f"{code}\t{name}\n" for code, name in countries + subdivisions)


if __name__ == "__main__":
    print(table_from_pycountry(), end="")
