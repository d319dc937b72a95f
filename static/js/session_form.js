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
    const scored = test && test.items.length > 0;
    // A scale scored item by item has one trial: its total, typed only when
    // the items were not scored.
    const parts = test && test.entered ? test.entered.parts : [];
    const count = parts.length || (test ? test.trials : 3);
    // Gait speed is typed as times once the distance timed is given; before
    // that (and in drafts recorded before) the fields hold speeds.
    const distance = field(row, "condition_distance_m");
    const entered = test && test.entered && (test.entered.derivation !== "speed" || (distance && distance.value)) ? test.entered : null;
    const what = entered ? entered.label : scored ? "Total (items not scored)" : "Trial";
    const unit = test ? ` (${entered ? entered.unit : test.unit})` : "";
    const first = side === "both" ? "Left" : side === "right" ? "Right" : side === "left" ? "Left" : "";
    [["first", 1], ["right", 2]].forEach(([group]) => {
      const block = row.querySelector(`[data-trials='${group}']`);
      block.hidden = group === "right" && side !== "both";
      block.querySelectorAll("input").forEach((input, index) => {
        const wrapper = input.closest(".col-4");
        wrapper.hidden = index >= count;
        const label = wrapper.querySelector("label");
        const prefix = group === "right" ? "Right" : first;
        const name = parts.length ? `${what} ${parts[index] ? parts[index].toLowerCase() : ""}` : `${what} ${count > 1 ? index + 1 : ""}`;
        label.textContent = `${prefix ? prefix + " " + name.toLowerCase() : name}${unit}`;
      });
    });
    info.textContent = test ? describe(test) : "";
    labelItems(row, test);
    showConditions(row, test);
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

  function describe(test) {
    const parts = [`${test.trials} trial(s)${test.per_side ? ", per side" : ""}`];
    if (test.practice_trials) parts.push(`after ${test.practice_trials} practice trial(s), not recorded`);
    parts.push(test.grades ? "grades 0–5 with + or − (e.g. 4−, 3+)" : `plausible range ${test.min} to ${test.max} ${test.unit}`);
    if (test.entered) parts.push(`type the ${test.entered.label.toLowerCase()}; ${test.unit} is computed`);
    if (test.items.length) parts.push("score each item; the total is computed");
    return parts.join("; ") + ".";
  }

  function labelItems(row, test) {
    const block = row.querySelector("[data-items]");
    const items = test ? test.items : [];
    block.hidden = items.length === 0;
    block.querySelectorAll("[data-item]").forEach((wrapper) => {
      const number = Number(wrapper.dataset.item);
      const item = items[number - 1];
      wrapper.hidden = !item;
      if (item) wrapper.querySelector("label").textContent = `${number}. ${item.text} (0–${item.max})`;
    });
    updateTotal(row, test);
  }

  function updateTotal(row, test) {
    const items = test ? test.items : [];
    let total = 0;
    let scored = 0;
    items.forEach((_item, index) => {
      const value = field(row, `item_${index + 1}`).value;
      if (value !== "") { total += Number(value); scored += 1; }
    });
    row.querySelector("[data-item-total]").textContent =
      scored === items.length && items.length ? `${total} ${test.unit}` : `${scored} of ${items.length} items scored`;
  }

  function showConditions(row, test) {
    const wanted = new Map((test ? test.conditions : []).map((c) => [c.key, c]));
    row.querySelectorAll("[data-condition]").forEach((wrapper) => {
      const condition = wanted.get(wrapper.dataset.condition);
      const input = wrapper.querySelector("input, select");
      wrapper.hidden = !condition && !input.value;
      if (!condition) return;
      wrapper.querySelector("label").textContent = condition.label + (condition.unit ? ` (${condition.unit})` : "");
      if (input.tagName === "SELECT") {
        input.querySelectorAll("option").forEach((option) => {
          option.hidden = option.value !== "" && !condition.choices.includes(option.value);
        });
      }
    });
  }

  // Narrow the test list to what the search box matches: name, abbreviation or
  // category, so 50-odd tests stay usable on a tablet.
  function filterTests(row, query) {
    const select = field(row, "catalog_code");
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = [];
    select.querySelectorAll("option").forEach((option) => {
      const test = catalog[option.value];
      if (!test) return;
      const text = `${test.name} ${test.abbreviation} ${test.category}`.toLowerCase();
      option.hidden = !words.every((word) => text.includes(word));
      if (!option.hidden) matches.push(option.value);
    });
    select.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = [...group.querySelectorAll("option")].every((option) => option.hidden);
    });
    if (matches.length === 1 && select.value !== matches[0]) {
      select.value = matches[0];
      labelTrials(row);
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
    row.querySelector("[data-test-filter]").addEventListener("input", (event) => filterTests(row, event.target.value));
    const distance = field(row, "condition_distance_m");
    if (distance) distance.addEventListener("input", () => labelTrials(row));
    row.querySelector("[data-items]").addEventListener("input", () => updateTotal(row, catalog[field(row, "catalog_code").value]));
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

  // A clinic's battery adds one row per test, each ready for its start time.
  const batteryButton = document.getElementById("add-battery");
  if (batteryButton) {
    const batteries = JSON.parse(document.getElementById("battery-data").textContent);
    batteryButton.addEventListener("click", () => {
      const chosen = document.getElementById("battery-choice").value;
      const battery = batteries.find((b) => String(b.id) === chosen);
      battery.codes.forEach((code) => {
        const empty = [...rows.querySelectorAll("[data-test-row]")]
          .find((row) => !isRemoved(row) && !field(row, "catalog_code").value);
        const row = empty || addRow(rows, "empty-test-row", "tests");
        if (!empty) wire(row);
        field(row, "catalog_code").value = code;
        labelTrials(row);
      });
    });
  }

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
