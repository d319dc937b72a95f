// Signing takes a second or two (the note is rendered and sealed): show that
// it is under way and never send the form twice. Any form marked
// data-signing="Signing…" gets this; the server refuses a second signature
// anyway (the session is locked), this keeps the user from trying.
(function () {
  "use strict";

  document.querySelectorAll("form[data-signing]").forEach(function (form) {
    let sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      form.setAttribute("aria-busy", "true");
      const button = form.querySelector("button[type=submit]");
      if (!button) {
        return;
      }
      // Disabled after this event, so the submission it started still goes.
      window.setTimeout(function () {
        button.disabled = true;
      }, 0);
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      button.textContent = form.dataset.signing;
      button.prepend(spinner);
      const status = form.querySelector("[data-signing-status]");
      if (status) {
        status.textContent = form.dataset.signing;
      }
    });
  });
})();
