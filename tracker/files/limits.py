"""How big a file the tracker will read: every limit in one place.

A file past a limit is refused with a message that names the limit, before
the tracker holds more of it than it must (``tracker.files.tabular`` streams
CSV text and XLSX sheets and stops at the first row past a limit). The
readers look these names up when they run, so a test may lower one.

The dashboard's Import page also has Streamlit's upload cap
(``server.maxUploadSize`` in ``.streamlit/config.toml``), which is far
smaller than these: an upload the page accepts is then read under the same
limits as a file given to ``funding-tracker import``.
"""

from __future__ import annotations

MAX_ROWS = 1_000_000
"""Data rows (rows below the header that hold any value) in a commitments or
deliveries file. Blank rows are skipped and not counted. An XLSX sheet that
declares more rows than this plus its header in its ``<dimension>`` is
refused before any cell is read."""

MAX_COLUMNS = 60
"""Columns in a commitments or deliveries file: the last column holding a
value in any row, the header included, counting from the first (column A in
a sheet). Empty cells after the last value (Excel keeps formatted ones) do
not count. The tracker's own commitments export has 20 columns."""

MAX_FIELD_CHARS = 100_000
"""Characters in one cell (a CSV field or an XLSX cell's text). The longest
text the tracker stores, a quote or a note, is far shorter; Excel's own
limit for a cell is 32,767 characters."""

MAX_CSV_LINE_CHARS = MAX_COLUMNS * (MAX_FIELD_CHARS + 3)
"""Characters in one physical line of a CSV file: every column at its
longest, quoted, with its comma. A longer line (a file with no line breaks)
is refused without being held whole."""

MAX_XLSX_UNPACKED_BYTES = 500 * 1024 * 1024
"""Bytes the parts of an XLSX workbook (a zip of XML files) may unpack to:
each part, and all parts together, as the zip's directory declares them.
The parts read are also counted while they are unpacked, so a directory
that understates a size cannot make the tracker unpack more. 500 MB holds a
sheet of a million rows of a commitments file."""

MAX_XLSX_TAG_BYTES = 4 * 1024 * 1024
"""Bytes of an XLSX part's XML between one ``>`` and the next: one tag with its
attributes, or one cell's text (``MAX_FIELD_CHARS`` characters even written as
character references fit). The XML parser holds a tag whole, so a longer one
is refused before it is held."""

MAX_XLSX_DEPTH = 100
"""Elements open inside one another in an XLSX part's XML. A worksheet nests
about ten deep; the parser keeps every open element, so a part of nothing but
opening tags is refused at this depth."""

MAX_XLSX_PARTS = 10_000
"""Files inside an XLSX zip. A workbook has a few dozen (one per sheet,
style, drawing...); many thousands of entries are a zip built to exhaust
memory while its directory is read."""

MAX_XLSX_DIRECTORY_BYTES = 4 * 1024 * 1024
"""Bytes of an XLSX zip's central directory (the list of its parts, read
whole before any part): enough for ``MAX_XLSX_PARTS`` entries with long names."""

MAX_XLSX_SHARED_STRINGS = MAX_ROWS * 10
"""Distinct texts in an XLSX workbook's shared-string table (texts stored
once and referred to by number from the cells). Every text cell of a sheet
at ``MAX_ROWS`` rows of a commitments file's ten text columns fits."""

MAX_GRANTS = 2_000_000
"""Grants in a 360Giving file, or activities in an IATI file, for the
readers of those standards (the same limit for both)."""

MAX_JSON_BYTES = 100 * 1024 * 1024
"""Bytes of a JSON data package (360Giving), which is read whole: about
100,000 grants. A larger package is refused with a message (the flattened
CSV of the same grants is read as a stream, up to ``MAX_ROWS``)."""

MAX_XML_BYTES = 100 * 1024 * 1024
"""Bytes of an IATI activity file (XML), read as a stream: a larger file is refused before it is read."""

MAX_PRESS_RELEASE_BYTES = 10 * 1024 * 1024
"""Bytes in a file given to ``funding-tracker extract`` or the Record page's
"From a press release" tab (text, HTML or PDF). A press release, even as a
PDF with pictures, is far smaller; a larger file is refused before it is read."""

MAX_PRESS_RELEASE_CHARS = 500_000
"""Characters of text read from such a file (or pasted): a long budget
statement is about 100,000. More is refused, not cut short, so no amount is
silently missed."""

MAX_PDF_PAGES = 300
"""Pages of a PDF read for its text."""

MAX_DEFLATOR_BYTES = 1024 * 1024
"""Bytes of a deflator release (``funding-tracker deflators load``, the
Deflators page): a CSV ``financial_year,index``, read whole. A century of
years is about 2 KB; a larger file is refused before it is read."""
