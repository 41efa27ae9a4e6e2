"""A row inserted in one statement gets the same values a flush would give it: the values given, else the
column's default, drawn again for each row when it is a function."""
import itertools

from sqlalchemy import Column, Integer, MetaData, String, Table

from consult.new_rows import row_with_defaults


def test_a_new_row_takes_the_given_values_then_the_columns_defaults():
    draws = itertools.count(1)
    table = Table("thing", MetaData(), Column("id", Integer, primary_key=True), Column("name", String, default=""),
                  Column("label", String, default=lambda: f"L{next(draws)}"), Column("note", String),
                  Column("kind", String, default="plain"))
    assert row_with_defaults(table, kind="rare") == {"name": "", "label": "L1", "note": None, "kind": "rare"}
    assert row_with_defaults(table)["label"] == "L2"
    assert "id" not in row_with_defaults(table, id=5)
