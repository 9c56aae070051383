"""The written 评估报告: the round report as a Word document (and PDF) a leader is handed.

`content.py` reads what the text needs beyond the round report and its summary (practices,
rectification by indicator), `charts.py` draws the figures as PNG on the server (matplotlib,
no browser), `document.py` writes the .docx with python-docx, `pdf.py` converts it with
LibreOffice when the machine has it.
"""
