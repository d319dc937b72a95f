// Forgiving forms: a refused save opens on its list of problems
// (templates/_error_summary.html), each link moves to its field, and leaving a
// form marked data-warn-unsaved with changes not saved asks first.
(function () {
  "use strict";

  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    // The page reloads at its top while the first problem may be far below:
    // the summary is read out and the clinician picks where to go.
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      // Its label sits above the field: scroll so both show, then type there.
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    });
  }

  document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
    // What a refused save shows again is typed but not saved, so it counts.
    let unsaved = Boolean(summary);
    let leaving = false;
    const changed = () => { unsaved = true; };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // Buttons that add, remove or stamp change the form without an input event.
    form.addEventListener("click", (event) => {
      if (event.target.closest("button[type='button']")) changed();
    });
    form.addEventListener("submit", () => { leaving = true; });
    // The idle timeout's logout must not wait for an answer; the session form
    // keeps its draft in the browser, so nothing typed is lost by it.
    document.addEventListener("perfnote:logged-out", () => { leaving = true; });
    window.addEventListener("beforeunload", (event) => {
      if (!unsaved || leaving) return;
      event.preventDefault();
      event.returnValue = "";
    });
  });
})();
