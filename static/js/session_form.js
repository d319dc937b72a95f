// Session form: add and remove test rows without a reload, fill times from the
// device clock with Start/Stop, label trial fields from the catalog, and show
// minutes as the clinician works. Typing times by hand always works too.
(function () {
  "use strict";
  const form = document.getElementById("session-form");
  if (!form) return;
  const catalog = JSON.parse(document.getElementById("catalog-data").textContent);
  const rows = document.getElementById("test-rows");

  function now() {
    const d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()]
      .map((n) => String(n).padStart(2, "0")).join(":");
  }

  function seconds(value) {
    if (!value) return null;
    const parts = value.split(":").map(Number);
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] || 0);
  }

  function field(row, name) {
    return row.querySelector(`[name$='-${name}']`);
  }

  function isRemoved(row) {
    const box = field(row, "DELETE");
    return box && box.checked;
  }

  function labelTrials(row) {
    const code = field(row, "catalog_code").value;
    const side = field(row, "side").value;
    const test = catalog[code];
    const info = row.querySelector("[data-test-info]");
    const count = test ? test.trials : 3;
    const first = side === "both" ? "Left" : side === "right" ? "Right" : side === "left" ? "Left" : "";
    [["first", 1], ["right", 2]].forEach(([group]) => {
      const block = row.querySelector(`[data-trials='${group}']`);
      block.hidden = group === "right" && side !== "both";
      block.querySelectorAll("input").forEach((input, index) => {
        const wrapper = input.closest(".col-4");
        wrapper.hidden = index >= count;
        const label = wrapper.querySelector("label");
        const unit = test ? ` (${test.unit})` : "";
        const prefix = group === "right" ? "Right" : first;
        label.textContent = `${prefix ? prefix + " trial" : "Trial"} ${index + 1}${unit}`;
      });
    });
    info.textContent = test
      ? `${test.trials} trial(s)${test.per_side ? ", per side" : ""}; plausible range ${test.min} to ${test.max} ${test.unit}.`
      : "";
    // Only range of motion and manual muscle tests need a reason to count as
    // formal testing; a reason already typed stays visible whatever the test.
    const battery = row.querySelector("[data-battery-reason]");
    if (battery) {
      battery.hidden = !(test && test.routine_measure) && !field(row, "battery_reason").value;
    }
    if (test) {
      const sideSelect = field(row, "side");
      if (!test.per_side) sideSelect.value = "na";
      if (test.per_side && sideSelect.value === "na") sideSelect.value = "";
    }
  }

  function updateMinutes() {
    const intervals = [];
    rows.querySelectorAll("[data-test-row]").forEach((row) => {
      const start = seconds(field(row, "start").value);
      const stop = seconds(field(row, "stop").value);
      const badge = row.querySelector("[data-minutes]");
      if (start !== null && stop !== null && stop > start && !isRemoved(row)) {
        badge.textContent = `${Math.floor((stop - start) / 60)} min`;
        intervals.push([start, stop]);
      } else {
        badge.textContent = "";
      }
    });
    intervals.sort((a, b) => a[0] - b[0]);
    let total = 0;
    let run = null;
    intervals.forEach(([start, stop]) => {
      if (!run || start > run[1]) {
        if (run) total += run[1] - run[0];
        run = [start, stop];
      } else if (stop > run[1]) {
        run[1] = stop;
      }
    });
    if (run) total += run[1] - run[0];
    document.getElementById("total-minutes").textContent = Math.floor(total / 60);
  }

  function wire(row) {
    labelTrials(row);
    field(row, "catalog_code").addEventListener("change", () => labelTrials(row));
    field(row, "side").addEventListener("change", () => labelTrials(row));
    row.querySelectorAll("[data-clock]").forEach((button) => {
      button.addEventListener("click", () => {
        field(row, button.dataset.clock).value = now();
        updateMinutes();
      });
    });
    row.querySelector("[data-remove-test]").addEventListener("click", () => {
      field(row, "DELETE").checked = true;
      row.classList.add("removed");
      updateMinutes();
    });
    row.addEventListener("input", updateMinutes);
  }

  // Append a copy of a formset's empty form, numbered after the existing ones.
  function addRow(container, templateId, prefix) {
    const total = form.querySelector(`input[name='${prefix}-TOTAL_FORMS']`);
    const index = Number(total.value);
    const html = document.getElementById(templateId).innerHTML
      .replace(/__prefix__/g, String(index));
    container.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    return container.lastElementChild;
  }

  document.getElementById("add-test").addEventListener("click", () => {
    const row = addRow(rows, "empty-test-row", "tests");
    wire(row);
    field(row, "catalog_code").focus();
  });

  const procedures = document.getElementById("procedure-rows");
  function wireProcedure(row) {
    row.querySelector("[data-remove-procedure]").addEventListener("click", () => {
      field(row, "DELETE").checked = true;
      row.classList.add("d-none");
    });
  }
  document.getElementById("add-procedure").addEventListener("click", () => {
    const row = addRow(procedures, "empty-procedure-row", "procedures");
    wireProcedure(row);
    field(row, "code").focus();
  });
  procedures.querySelectorAll("[data-procedure-row]").forEach(wireProcedure);

  form.querySelectorAll("[data-session-clock]").forEach((button) => {
    button.addEventListener("click", () => {
      form.querySelector(`[name='${button.dataset.sessionClock}']`).value = now();
    });
  });

  rows.querySelectorAll("[data-test-row]").forEach(wire);
  updateMinutes();
})();
