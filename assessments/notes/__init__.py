"""The signed note: signing, its content, the PDF, the seal, verification, export.

A note is rendered and sealed once, when it is signed (``signing``), from plain
data (``content``) through WeasyPrint (``rendering``) and pyHanko (``sealing``);
database triggers keep it unchanged (``locking``); anyone holding the file can
check it (``verification``); billing staff hand notes to payers (``export``).
"""
