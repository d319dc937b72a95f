// Logging out forgets every form draft and stopwatch this browser keeps
// (static/js/session_form.js stores them under "perfnote:" keys): they hold
// patients' results, and a shared tablet's next user must not find them in
// the browser's storage. An idle timeout keeps them, so a clinician called
// away mid-session is offered their input again after logging back in.
(function () {
  "use strict";

  const form = document.querySelector("[data-logout]");
  if (!form) {
    return;
  }
  form.addEventListener("submit", () => {
    // An open session form drops its pending save, so leaving does not keep
    // the draft again.
    document.dispatchEvent(new Event("perfnote:logout"));
    try {
      Object.keys(window.localStorage)
        .filter((key) => key.startsWith("perfnote:"))
        .forEach((key) => window.localStorage.removeItem(key));
    } catch {
      // Storage switched off: there is nothing kept to forget.
    }
  });
})();
