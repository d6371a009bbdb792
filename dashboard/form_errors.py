"""A refused save, as a form shows it: a summary at the top, each message beside its field.

Following the GOV.UK Design System's error summary: a box at the top of the
form, headed "There is a problem" (an alert, so a screen reader says it, and
given keyboard focus when a save has just failed), listing every problem as
a link to its field; the same sentence (``dashboard.error_sentences``) is
shown under the field. A problem with a field the form does not draw is
listed without a link.

Streamlit gives a widget no stable id, but puts its key in a class of the
element around it (``st-key-<key>``), and the messages under a field are
drawn in a container keyed ``<key>__problems``. A small script in the summary
(``_SCRIPT``, the same on every page) finds them by those classes, and
whenever the page changes: it points each link at its field's input (and
moves focus there when the link is followed), and marks the input
``aria-invalid="true"`` with ``aria-describedby`` naming its messages. When
the summary goes (the save succeeded), the marks go with it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import streamlit as st

from dashboard.error_sentences import Named, sentence
from tracker.figures.markdown_text import escape_markdown
from tracker.i18n import N_, _
from tracker.records.problems import FieldProblem, ValidationFailed

TITLE = N_("There is a problem")
NOTHING_SAVED = N_("Nothing was saved: put each of these right, then save again.")
PROBLEMS_SUFFIX = "__problems"  # the key of the container of a field's messages: its widget's key and this


@dataclass(frozen=True)
class Drawn:
    """A field as a form draws it: how messages name it, and its widget's key."""

    named: Named
    key: str


def messages_key(widget_key: str) -> str:
    """The key of the container holding the messages under the widget ``widget_key``."""
    return f"{widget_key}{PROBLEMS_SUFFIX}"


class FormErrors:
    """The problems of one refused save (``failed``) on one form. ``drawn``
    gives each field the form draws, by its name in the problems
    (``amount``, ``commitments[1].amount``), in the order drawn."""

    def __init__(self, failed: ValidationFailed, drawn: Mapping[str, Drawn]):
        self.failed = failed
        self.drawn = drawn

    def __bool__(self) -> bool:
        return bool(self.failed.problems)

    def said(self) -> list[tuple[FieldProblem, str]]:
        """Each problem and its sentence, in the order the fields are drawn
        (problems with fields not drawn last), none said twice."""
        order = {path: i for i, path in enumerate(self.drawn)}
        problems = sorted(self.failed.problems, key=lambda p: order.get(p.field, len(order)))
        sentences: dict[str, FieldProblem] = {}
        for problem in problems:
            found = self.drawn.get(problem.field)
            sentences.setdefault(sentence(problem, found.named if found else None), problem)
        return [(problem, said) for said, problem in sentences.items()]

    def of(self, path: str) -> list[str]:
        """The sentences about the field ``path`` (and any other drawn as the same widget)."""
        found = self.drawn.get(path)
        if found is None:
            return []
        return [said for problem, said in self.said() if self._key(problem.field) == found.key]

    def _key(self, path: str) -> str | None:
        found = self.drawn.get(path)
        return None if found is None else found.key

    def summary(self) -> None:
        """The "There is a problem" box, when there is one."""
        if not self:
            return
        items = []
        for problem, said in self.said():
            found = self.drawn.get(problem.field)
            words = html.escape(said)
            if found is None:
                items.append(f"<li>{words}</li>")
            else:
                key = html.escape(found.key, quote=True)
                items.append(f'<li><a href="#{key}" data-field="{key}">{words}</a></li>')
        st.html(
            f'<div class="tracker-error-summary" tabindex="-1" data-attempt="{id(self.failed)}">'
            f'<div role="alert"><h2>{html.escape(_(TITLE))}</h2><p>{html.escape(_(NOTHING_SAVED))}</p>'
            f"<ul>{''.join(items)}</ul></div></div>{_STYLE}{_SCRIPT}",
            unsafe_allow_javascript=True,
        )

    def beside(self, path: str) -> None:
        """The messages about the field ``path``, under its widget (drawn just
        before; once for a widget that two fields share)."""
        said = self.of(path)
        found = self.drawn.get(path)
        if not said or found is None:
            return
        with st.container(key=messages_key(found.key)):
            for words in said:
                st.error(escape_markdown(words), icon=":material/error:")  # it quotes what was typed


NO_ERRORS = FormErrors(ValidationFailed([]), MappingProxyType({}))

_STYLE = """<style>
.tracker-error-summary { border: 4px solid #b3261e; padding: 0.75rem 1rem; margin-bottom: 0.5rem; }
.tracker-error-summary:focus { outline: 3px solid #1a1a1a; outline-offset: 2px; }
.tracker-error-summary h2 { font-size: 1.25rem; margin: 0 0 0.5rem 0; padding: 0; }
.tracker-error-summary p { margin: 0 0 0.5rem 0; }
.tracker-error-summary ul { margin: 0; padding-left: 1.25rem; }
.tracker-error-summary a { color: #b3261e; font-weight: 600; text-decoration: underline; }
.tracker-error-summary a:focus { outline: 3px solid #1a1a1a; outline-offset: 1px; }
</style>"""

_SCRIPT = (
    """<script>
(() => {
  const SUFFIX = SUFFIX_JSON;
  // A widget's input: a select's combobox, a text box, or else a date's group of parts (focus: its first part).
  const INPUTS = ['[role="combobox"]', "textarea", 'input:not([type="hidden"]):not([tabindex="-1"])', '[role="group"]'];
  const field = (key) => {
    const box = document.querySelector(".st-key-" + CSS.escape(key));
    const input = box && INPUTS.map((kind) => box.querySelector(kind)).find(Boolean);
    const focus = input && (input.matches('[role="group"]') ? input.querySelector('[tabindex="0"]') : input);
    return focus ? {box, input, focus} : null;
  };
  const set = (element, name, value) => {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  };
  const mark = () => {
    const wanted = new Map();
    document.querySelectorAll(".tracker-error-summary a[data-field]").forEach((link) => {
      const key = link.dataset.field, found = field(key);
      if (!found) return;
      if (!found.input.id) found.input.id = "tracker-field-" + key;
      set(link, "href", "#" + found.input.id);
      const ids = wanted.get(found.input) || [];
      document.querySelectorAll(
        ".st-key-" + CSS.escape(key + SUFFIX) + ' [data-testid="stMarkdownContainer"]'
      ).forEach((message, i) => {
        set(message, "id", "tracker-problem-" + key + "-" + (i + 1));
        if (!ids.includes(message.id)) ids.push(message.id);
      });
      wanted.set(found.input, ids);
    });
    document.querySelectorAll("[data-tracker-invalid]").forEach((input) => {
      if (wanted.has(input)) return;
      const before = input.getAttribute("data-tracker-invalid");
      if (before) input.setAttribute("aria-describedby", before); else input.removeAttribute("aria-describedby");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("data-tracker-invalid");
    });
    wanted.forEach((ids, input) => {
      if (!input.hasAttribute("data-tracker-invalid")) {
        input.setAttribute("data-tracker-invalid", input.getAttribute("aria-describedby") || "");
      }
      set(input, "aria-invalid", "true");
      const before = input.getAttribute("data-tracker-invalid");
      set(input, "aria-describedby", [before, ...ids].filter(Boolean).join(" "));
    });
  };
  if (!window.__trackerFormErrors) {
    window.__trackerFormErrors = {attempt: null};
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      setTimeout(() => { queued = false; mark(); }, 0);
    }).observe(document.body, {childList: true, subtree: true, attributes: true,
      attributeFilter: ["aria-invalid", "aria-describedby", "id"]});
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest(".tracker-error-summary a[data-field]");
      const found = link && field(link.dataset.field);
      if (!found) return;
      event.preventDefault();
      found.box.scrollIntoView({block: "center"});
      found.focus.focus({preventScroll: true});
    });
  }
  mark();
  const here = document.currentScript && document.currentScript.parentElement;
  const summary = here && here.querySelector(".tracker-error-summary");
  if (summary && window.__trackerFormErrors.attempt !== summary.dataset.attempt) {
    window.__trackerFormErrors.attempt = summary.dataset.attempt;
    summary.focus();
  }
})();
</script>"""
).replace("SUFFIX_JSON", json.dumps(PROBLEMS_SUFFIX))
