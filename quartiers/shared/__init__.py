"""The shared layer: helpers with no domain knowledge, imported by every app, importing none.

- `imports`: what an import did (`ImportSummary`) and why it was refused (`ImportRefused`);
- `csvsniff`: CSV delimiter detection (one for every importer and the georef files);
- `exports`: CSV « ; » with BOM, XLSX and GeoJSON responses of a table;
- `charts`: accessible SVG bar charts;
- `formatting`: French display of numbers and sizes.

Layer order and its test: docs/architecture.md, tests/core/test_layers.py.
"""
