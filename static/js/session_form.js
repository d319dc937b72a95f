// Session form: add and remove test rows without a reload, time each test with
// a stopwatch, label trial fields from the catalog, show minutes as the
// clinician works, and keep a draft of what was typed in this browser. Typing
// times by hand always works too (the server reads "0815A" or "8:15 am").
(function () {
  "use strict";
  const form = document.getElementById("session-form");
  if (!form) return;
  const catalog = JSON.parse(document.getElementById("catalog-data").textContent);
  const rows = document.getElementById("test-rows");

  // The clinic's clock: the device's, corrected once by the server's time the
  // page carries, and written in the clinic's zone whatever zone or time the
  // tablet is set to (a tablet on UTC used to stamp times hours off).
  const serverNow = Number(form.dataset.serverNow);
  const offset = serverNow ? serverNow - Date.now() : 0;
  // Written in the clinic's format, as the server writes it (clinic/clock.py):
  // "14:05:30", or "2:05:30 PM" in a 12-hour clinic.
  const twelveHour = form.dataset.timeFormat === "12";
  const clockFormat = new Intl.DateTimeFormat(twelveHour ? "en-US" : "en-GB", {
    timeZone: form.dataset.timeZone || undefined,
    hour: twelveHour ? "numeric" : "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: twelveHour ? "h12" : "h23",
  });

  function clinicNow() {
    return Date.now() + offset;
  }

  function clockText(moment) {
    // Newer ICU puts a narrow no-break space before AM/PM; the server writes a space.
    return clockFormat.format(new Date(moment)).replace(/\u202f/g, " ");
  }

  function now() {
    return clockText(clinicNow());
  }

  // localStorage may be full or switched off (private browsing): the form
  // works without it, only the stopwatch and the draft do not survive a reload.
  const store = {
    get(key) {
      try { return JSON.parse(window.localStorage.getItem(key)); } catch { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, JSON.stringify(value)); } catch { /* not kept */ }
    },
    remove(key) {
      try { window.localStorage.removeItem(key); } catch { /* nothing kept */ }
    },
  };
  // One key per user and session (or per user and patient for a new session).
  const draftKey = form.dataset.draftKey;

  const seconds = window.perfnoteClock.seconds;

  function field(row, name) {
    return row.querySelector(`[name$='-${name}']`);
  }

  function isRemoved(row) {
    const box = field(row, "DELETE");
    return box && box.checked;
  }

  // A row holds only its test's conditions and item scores (and any holding
  // input); #test-row-fields holds every one once, numbered __prefix__, and a
  // newly chosen test's are copied from it into the row, in catalog order.
  const spareFields = document.getElementById("test-row-fields");
  const spareOrder = spareFields
    ? [...spareFields.content.children].map((spare) => spare.dataset.condition || `item ${spare.dataset.item}`)
    : [];

  function spareKey(wrapper) {
    return wrapper.dataset.condition || `item ${wrapper.dataset.item}`;
  }

  function addFields(row, test) {
    if (!test || !spareFields) return;
    const number = field(row, "catalog_code").name.match(/^tests-(\d+)-/)[1];
    const wanted = [
      ...test.conditions.map((condition) => ["[data-conditions]", `[data-condition='${condition.key}']`]),
      ...test.items.map((_item, index) => ["[data-items]", `[data-item='${index + 1}']`]),
    ];
    const blocks = new Set();
    wanted.forEach(([blockSelector, selector]) => {
      if (row.querySelector(selector)) return;
      const block = row.querySelector(blockSelector);
      const html = spareFields.content.querySelector(selector).outerHTML.replace(/__prefix__/g, number);
      block.insertAdjacentHTML("afterbegin", html);
      blocks.add(block);
    });
    blocks.forEach((block) => {
      const end = block.querySelector("[data-item-total]");
      [...block.querySelectorAll("[data-condition], [data-item]")]
        .sort((a, b) => spareOrder.indexOf(spareKey(a)) - spareOrder.indexOf(spareKey(b)))
        .forEach((wrapper) => block.insertBefore(wrapper, end ? end.parentElement : null));
    });
  }

  function labelTrials(row) {
    const code = field(row, "catalog_code").value;
    const side = field(row, "side").value;
    const test = catalog[code];
    addFields(row, test);
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

  // A stopwatch per test: Start stamps the start and keeps counting (mm:ss),
  // through a reload too, since its start is kept in localStorage; Stop
  // stamps the stop. Both stamps are the clinic's time (clinicNow).
  function watchKey(row) {
    return `perfnote:watch:${draftKey}:${field(row, "start").name.replace(/-start$/, "")}`;
  }

  function elapsedText(milliseconds) {
    const total = Math.max(0, Math.floor(milliseconds / 1000));
    return [Math.floor(total / 60), total % 60].map((n) => String(n).padStart(2, "0")).join(":");
  }

  function showWatch(row) {
    const display = row.querySelector("[data-elapsed]");
    const watch = store.get(watchKey(row));
    const start = seconds(field(row, "start").value);
    const stop = seconds(field(row, "stop").value);
    display.classList.toggle("running", Boolean(watch));
    if (watch) {
      display.textContent = elapsedText(clinicNow() - watch.started);
    } else if (start !== null && stop !== null && stop > start) {
      display.textContent = elapsedText((stop - start) * 1000);
    }
    display.hidden = !watch && display.textContent === "";
  }

  function startWatch(row) {
    const started = clinicNow();
    field(row, "start").value = clockText(started);
    field(row, "stop").value = "";
    store.set(watchKey(row), { started });
    showWatch(row);
  }

  function stopWatch(row) {
    field(row, "stop").value = now();
    store.remove(watchKey(row));
    showWatch(row);
  }

  // After a reload the running watch goes on; its start is filled in again if
  // the page came back without it (a new session reloaded before saving).
  function resumeWatch(row) {
    const watch = store.get(watchKey(row));
    if (!watch) return;
    if (!field(row, "start").value) field(row, "start").value = clockText(watch.started);
    showWatch(row);
  }

  window.setInterval(() => {
    rows.querySelectorAll("[data-elapsed].running").forEach((display) => {
      showWatch(display.closest("[data-test-row]"));
    });
  }, 1000);

  function wire(row) {
    labelTrials(row);
    field(row, "catalog_code").addEventListener("change", () => labelTrials(row));
    field(row, "side").addEventListener("change", () => labelTrials(row));
    row.querySelector("[data-test-filter]").addEventListener("input", (event) => filterTests(row, event.target.value));
    // The distance timed (10-metre walk) may be copied in later: listen on the row.
    row.addEventListener("input", (event) => {
      if (event.target.name && event.target.name.endsWith("-condition_distance_m")) labelTrials(row);
    });
    row.querySelector("[data-items]").addEventListener("input", () => updateTotal(row, catalog[field(row, "catalog_code").value]));
    row.querySelector("[data-clock='start']").addEventListener("click", () => {
      startWatch(row);
      updateMinutes();
    });
    row.querySelector("[data-clock='stop']").addEventListener("click", () => {
      stopWatch(row);
      updateMinutes();
    });
    // A stop typed by hand ends the running watch: the typed time counts.
    field(row, "stop").addEventListener("change", () => {
      if (field(row, "stop").value) store.remove(watchKey(row));
      showWatch(row);
    });
    row.querySelector("[data-remove-test]").addEventListener("click", () => {
      field(row, "DELETE").checked = true;
      store.remove(watchKey(row));
      row.classList.add("removed");
      updateMinutes();
    });
    resumeWatch(row);
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

  // The draft: everything typed, kept in this browser as it is typed, so a
  // reload, a closed tab or a dropped connection loses nothing. A fresh page
  // offers it back; a page the server refused already shows what was typed.
  // It is dropped once a save of it went through (the server answers a
  // refused save with this form again, so a submitted draft that comes back
  // to a fresh form was saved) and after DRAFT_HOURS.
  const DRAFT_HOURS = 24;
  const draftStoreKey = `perfnote:draft:${draftKey}`;
  const bound = form.dataset.bound === "true";
  // The draft keeps the version of the session it was typed over: restored
  // after someone else saved, it is refused as a conflict, never written over.
  const SKIPPED = new Set(["csrfmiddlewaretoken"]);

  function typedValues() {
    return [...new FormData(form).entries()]
      .filter(([name, value]) => !SKIPPED.has(name) && typeof value === "string");
  }

  let saveTimer = null;
  let submitting = false;
  function saveDraft() {
    window.clearTimeout(saveTimer);
    saveTimer = null;
    store.set(draftStoreKey, { savedAt: Date.now(), values: typedValues(), submitted: false });
  }
  function saveSoon() {
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 400);
  }

  function restoreDraft(values) {
    const wanted = new Map(values);
    const grow = (prefix, container, templateId, wireRow, selector) => {
      const total = Number(wanted.get(`${prefix}-TOTAL_FORMS`) || 0);
      while (container.querySelectorAll(selector).length < total) {
        wireRow(addRow(container, templateId, prefix));
      }
    };
    grow("tests", rows, "empty-test-row", wire, "[data-test-row]");
    grow("procedures", procedures, "empty-procedure-row", wireProcedure, "[data-procedure-row]");
    const fill = () => [...form.elements].forEach((element) => {
      if (!element.name || SKIPPED.has(element.name) || element.type === "button") return;
      if (element.type === "checkbox") {
        element.checked = wanted.has(element.name);
      } else if (wanted.has(element.name)) {
        element.value = wanted.get(element.name);
      }
    });
    // Once each row's test is back, its conditions and items are copied in;
    // then their values can be filled too.
    fill();
    rows.querySelectorAll("[data-test-row]").forEach((row) => addFields(row, catalog[field(row, "catalog_code").value]));
    fill();
    rows.querySelectorAll("[data-test-row]").forEach((row) => {
      row.classList.toggle("removed", isRemoved(row));
      labelTrials(row);
      resumeWatch(row);
      showWatch(row);
    });
    procedures.querySelectorAll("[data-procedure-row]").forEach((row) => {
      row.classList.toggle("d-none", field(row, "DELETE").checked);
    });
    updateMinutes();
    // What came back is unsaved input: leaving now asks first (forms.js).
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function offerDraft(draft) {
    const prompt = document.createElement("div");
    prompt.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    prompt.setAttribute("role", "status");
    prompt.id = "draft-prompt";
    const text = document.createElement("span");
    // Without its seconds: "10:42", or "10:42 AM" in a 12-hour clinic.
    const savedAt = clockText(draft.savedAt + offset).replace(/:\d\d(?=( [AP]M)?$)/, "");
    text.textContent = `Restore unsaved input from ${savedAt}?`;
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-primary";
    restore.textContent = "Restore";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-outline-secondary";
    discard.textContent = "Discard";
    prompt.append(text, restore, discard);
    form.before(prompt);
    restore.addEventListener("click", () => {
      prompt.remove();
      restoreDraft(draft.values);
      saveDraft();
    });
    discard.addEventListener("click", () => {
      prompt.remove();
      store.remove(draftStoreKey);
    });
  }

  // Drafts and watches of other sessions, once older than DRAFT_HOURS, go.
  function forgetOld() {
    const oldest = Date.now() - DRAFT_HOURS * 3600 * 1000;
    Object.keys(window.localStorage || {}).forEach((key) => {
      const kept = key.startsWith("perfnote:") && store.get(key);
      const at = kept && (kept.savedAt || kept.started);
      if (kept && at < oldest) store.remove(key);
    });
  }

  function forgetDraft() {
    store.remove(draftStoreKey);
    rows.querySelectorAll("[data-test-row]").forEach((row) => store.remove(watchKey(row)));
  }

  function draftOnLoad() {
    try { forgetOld(); } catch { /* storage switched off */ }
    const draft = store.get(draftStoreKey);
    if (!draft || bound) return;
    const navigation = performance.getEntriesByType("navigation")[0];
    const backForward = navigation && navigation.type === "back_forward";
    const stale = Date.now() - draft.savedAt > DRAFT_HOURS * 3600 * 1000;
    const same = JSON.stringify(draft.values) === JSON.stringify(typedValues());
    if (draft.submitted && !backForward) {
      forgetDraft();
      return;
    }
    if (stale || same) {
      store.remove(draftStoreKey);
      return;
    }
    offerDraft(draft);
  }

  rows.querySelectorAll("[data-test-row]").forEach(wire);
  updateMinutes();
  draftOnLoad();
  if (bound) saveDraft();
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  form.addEventListener("click", (event) => {
    if (event.target.closest("button[type='button']")) saveSoon();
  });
  // Logging out forgets every draft (static/js/logout.js): nothing pending may
  // keep this one again as the page goes.
  document.addEventListener("perfnote:logout", () => {
    window.clearTimeout(saveTimer);
    saveTimer = null;
  });
  window.addEventListener("pagehide", () => {
    if (saveTimer !== null && !submitting) saveDraft();
  });
  form.addEventListener("submit", () => {
    submitting = true;
    saveDraft();
    const draft = store.get(draftStoreKey);
    if (draft) store.set(draftStoreKey, { ...draft, submitted: true });
  });
})();
