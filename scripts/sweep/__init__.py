"""Layout sweep: the fixture records typeset many other ways, to measure extraction at page
breaks it has never seen.

    records.py   record → logical printed table (make_fixtures.build_form_table) and truth
    labels.py    printed label spellings and free text (data)
    params.py    one variation's choices (frozen dataclasses, seeded)
    fonts.py     CJK fonts: metrics, embedding, ToUnicode rewrite and read-back check
    measure.py   line breaking, column widths, row heights in an unpaginated strip
    pager.py     rows onto pages: Word-like split rows, Excel-like whole rows, repeated headers
    render.py    drawing with PyMuPDF: ruling, cut merged cells, titles, footers
    generate.py  variation → PDF + truth (page fields from the pager)
    office.py    the same tables through LibreOffice (.docx / .xlsx), pages located afterwards
    score.py     the ingested parquet back into Form records, compared and classified
    bench.py     `scripts/bench.py --sweep N`: render, `jixiao ingest`, score, report
"""
