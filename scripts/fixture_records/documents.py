"""Which documents to render, from which records, in which style."""

from . import generated, planted, seed_hongqiao

SEED = {
    "name": "seed_hongqiao",
    # Word-like: borders as thin filled rectangles, cell text top-aligned
    "style": dict(font="droid", fs=10, ruling="filled", lw=0.6, valign="top", num_align="c",
                  repeat_header=False, cols=(34, 48, 62, 62, 72, 72, 44, 44, 67)),
    "blocks": [{"type": "form", "form": f, "new_page": True} for f in seed_hongqiao.FORMS],
}

DOCUMENTS = [SEED] + generated.DOCUMENTS + [planted.PLANTED_DOC]

BAD = {
    "truncate_source": "seed_hongqiao",
    "encrypt_source": "seed_hongqiao",
    "html": generated.NOT_A_PDF_HTML,
}
