"""The signed note: signing, its content, the PDF, the seal, verification, export.

A note is rendered and sealed once, when it is signed (``signing``), from plain
data (``content``) through WeasyPrint (``rendering``) and pyHanko (``sealing``);
anyone holding the file can check it (``verification``); billing staff hand
notes to payers (``export``). Database triggers keep it unchanged; their SQL is
written out in migration ``assessments/0002_lock_signed_records``.
"""
