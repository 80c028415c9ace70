"""DATASET.md, the researchers' column dictionary, names every column of every table with its
type and meaning, and is what the schemas and columns.toml make of it today."""

from extract.dataset.dictionary import DATASET_MD, markdown, meanings, schemas


def test_every_column_has_a_meaning_and_no_meaning_is_stale():
    notes = meanings()
    for table, schema in schemas().items():
        assert set(notes.get(table, {})) == set(schema), table
        assert all(text.strip() for text in notes[table].values()), table


def test_dataset_md_is_up_to_date():
    assert DATASET_MD.read_text(encoding="utf-8") == markdown(), (
        "run: python -m extract.dataset.dictionary --write")
