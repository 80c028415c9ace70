"""`jixiao review`: a local web page to settle what the reading doubts, one field at a time,
into the corrections journal (extract/dataset/corrections.py)."""
