// Warn before the idle timeout logs the user out, and let them stay signed in.
// The server keeps the clock (clinic.middleware.IdleTimeoutMiddleware); this
// script only asks it how long is left, so several open tabs agree.
(function () {
  "use strict";

  const body = document.body;
  const statusUrl = body.dataset.idleStatusUrl;
  const timeout = Number(body.dataset.idleTimeout);
  const warning = document.getElementById("idle-warning");
  const countdown = document.getElementById("idle-countdown");
  const stay = document.getElementById("idle-stay");
  if (!statusUrl || !timeout || !warning) {
    return;
  }
  // Warn two minutes ahead, or halfway for a very short timeout.
  const warnAhead = Math.min(120, Math.floor(timeout / 2));
  let deadline = Date.now() + Number(body.dataset.idleLeft || timeout) * 1000;
  let timer = null;

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return minutes + ":" + rest;
  }

  function schedule(secondsLeft) {
    deadline = Date.now() + secondsLeft * 1000;
    window.clearTimeout(timer);
    if (secondsLeft <= 0) {
      // The server has logged the user out: reloading shows the login page,
      // and a form's "leave unsaved changes?" must not hold it (forms.js).
      document.dispatchEvent(new Event("perfnote:logged-out"));
      window.location.reload();
    } else if (secondsLeft > warnAhead) {
      warning.hidden = true;
      timer = window.setTimeout(check, (secondsLeft - warnAhead) * 1000);
    } else {
      warning.hidden = false;
      tick();
    }
  }

  function tick() {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = format(left);
    // Ask the server again at the end (or every 15 s: another tab may be active).
    if (left === 0 || left % 15 === 0) {
      timer = window.setTimeout(check, 1000);
    } else {
      timer = window.setTimeout(tick, 1000);
    }
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => schedule(data.seconds_left))
      .catch(() => schedule(Math.max(0, Math.round((deadline - Date.now()) / 1000))));
  }

  stay.addEventListener("click", () => {
    fetch(statusUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then((response) => response.json())
      .then((data) => schedule(data.seconds_left));
  });

  schedule(Number(body.dataset.idleLeft || timeout));
})();
