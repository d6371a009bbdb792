"""The tracker's own styles on top of Streamlit's, drawn once per run (``frame.py``).

- Headline figures never end in "…": Streamlit cuts a metric's value that is
  wider than its column (at 1024 px, "at least £15.75m" became "at least
  £..."); here it wraps instead, and its size follows the window's width.
- Printing any page gives a usable document: no sidebar, header, buttons or
  widget toolbars; the content the page's full width; each table printed
  whole from its print copy (``tables.show_table``: the dataframe's canvas
  shows only the rows in its box), hidden on screen; charts scaled to the
  page (``show_chart``: a script does it as printing begins) and kept whole
  on one sheet where they fit.
"""

import streamlit as st

PAGE_MARGIN_MM = 12
PRINTED_WIDTH_PX = round((210 - 2 * PAGE_MARGIN_MM) / 25.4 * 96)  # A4's width inside the margins, in CSS pixels

STYLE = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.5rem, 2.5vw, 2.25rem); }
[data-testid="stMetricValue"] > div { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere; }
.print-only { display: none; }
[data-testid="stElementContainer"]:has(.print-only),
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
@media print {
  @page { size: A4; margin: PAGE_MARGINmm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stElementToolbar"], [data-testid="stDownloadButton"], [data-testid="stButton"],
  [data-testid="stLinkButton"], [data-testid="stFormSubmitButton"],
  [data-testid="stNumberInput"] button, .modebar-container, #tracker-copy-link,
  [data-testid="stElementContainer"]:has(#tracker-copy-link),
  [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]),
  [data-testid="stDataFrame"] { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMain, [data-testid="stAppScrollToBottomContainer"] {
    position: static !important; overflow: visible !important; height: auto !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    margin: 0 !important; padding: 0 !important; max-width: 100% !important; width: 100% !important; }
  [data-testid="stElementContainer"]:has(.print-only), .print-only { display: block !important; }
  .print-only, [data-testid="stPlotlyChart"], .stPlotlyChart { break-inside: avoid; }
  .print-table { width: 100%; border-collapse: collapse; font-size: 7.5pt; table-layout: auto; }
  .print-table th, .print-table td { border: 1px solid #bbb; padding: 2px 3px; text-align: left;
    vertical-align: top; overflow-wrap: break-word; }
  .print-table td.number { white-space: nowrap; text-align: right; }
  .print-table td.long { overflow-wrap: anywhere; }
  .print-table thead { display: table-header-group; }
  .print-table tr { break-inside: avoid; }
  .print-note { font-size: 8.5pt; }
}
</style>""".replace("PAGE_MARGIN", str(PAGE_MARGIN_MM))

# Plotly draws a chart at a width in pixels, the screen's. Printing lays the
# page out again at the paper's width without running the page's scripts, so
# just before printing each chart wider than the printed page is zoomed (its
# box with it, so no gap is left below) to fit it, and after printing zoomed back.
FIT_CHARTS = """<script>
(() => {
  if (window.__trackerPrintCharts) return;
  window.__trackerPrintCharts = true;
  const page = PRINTED_WIDTH;
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll(".stPlotlyChart .js-plotly-plot").forEach((plot) => {
      const wide = plot.scrollWidth, box = plot.closest('[data-testid="stElementContainer"]') || plot;
      if (wide > page) { box.style.zoom = String(page / wide); box.dataset.trackerZoomed = "1"; }
    });
  });
  window.addEventListener("afterprint", () => {
    document.querySelectorAll("[data-tracker-zoomed]").forEach((box) => {
      box.style.zoom = ""; delete box.dataset.trackerZoomed;
    });
  });
})();
</script>""".replace("PRINTED_WIDTH", str(PRINTED_WIDTH_PX))


def apply() -> None:
    st.html(STYLE)  # styles alone: Streamlit keeps them out of the page's flow


def show_chart(figure, **plotly_chart):
    """``st.plotly_chart(figure, ...)``, and the script that fits charts to the printed page
    (an element of its own, hidden: drawn beside each chart, it is taken up once a page)."""
    shown = st.plotly_chart(figure, **plotly_chart)
    st.html(FIT_CHARTS, unsafe_allow_javascript=True)
    return shown
