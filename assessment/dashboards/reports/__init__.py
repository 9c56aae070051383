"""Excel and CSV reports of a round's results.

- `round_report.py`: the round workbook (概览, 排名, 维度得分, 指标得分, 原始数据, 图表, 说明) for
  the regions a ranking filter selects, written with openpyxl's write-only mode;
- `region_report.py`: one region's profile as a workbook, and `add_rectification_sheet`;
- `ranking_csv.py`: the ranking table as CSV (UTF-8 with BOM);
- `jobs.py`: large exports in a background thread with progress in the database;
- `sheets.py`, `styles.py`: the layout every sheet shares (header, widths for Chinese text,
  print setup, colour scales) (download names: `assessment/core/files.py`).

Every text cell goes through `assessment.core.excel.safe_text`, so nothing a region, a note
or an indicator holds can run as a formula when the file is opened.
"""
