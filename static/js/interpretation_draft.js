// Session form: "Insert the draft" puts the interpretation drafted from the
// norms into the interpretation field, after what is already written, and
// moves the cursor there. Nothing is saved until the clinician saves the form.
(function () {
  "use strict";
  const button = document.querySelector("[data-insert-draft]");
  if (!button) return;
  const draft = document.querySelector("[data-interpretation-draft]");
  const field = document.getElementById(button.dataset.insertDraft);
  if (!draft || !field) return;
  button.addEventListener("click", function () {
    const text = draft.textContent.trim();
    const written = field.value.trim();
    field.value = written ? written + "\n\n" + text : text;
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
