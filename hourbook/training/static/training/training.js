// Training screens: session rows of a plan, and the attendance grid. Every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Plan form: add session rows from the <template>, keep the formset's TOTAL_FORMS and the total hours.
  const rows = document.getElementById("session-rows");
  const add = document.getElementById("session-add");
  const empty = document.getElementById("session-empty");
  const total = document.getElementById("session-total");
  if (rows && add && empty) {
    const count = document.getElementById("id_sessions-TOTAL_FORMS");
    const hours = { day: 8, half: 4 };
    const sum = () => {
      let value = 0;
      rows.querySelectorAll("tr.session-row").forEach((tr) => {
        const date = tr.querySelector("input[type=date]");
        const del = tr.querySelector("input[type=checkbox]");
        const length = tr.querySelector("select");
        if (date && date.value && !(del && del.checked)) value += hours[length.value] || 0;
      });
      if (total) total.textContent = value.toString();
    };
    add.hidden = false;
    add.addEventListener("click", () => {
      const index = parseInt(count.value, 10);
      const html = empty.innerHTML.replace(/__prefix__/g, index.toString());
      rows.insertAdjacentHTML("beforeend", html);
      count.value = (index + 1).toString();
      const last = rows.querySelector("tr.session-row:last-child input[type=date]");
      if (last) last.focus();
      sum();
    });
    rows.addEventListener("input", sum);
    rows.addEventListener("change", sum);
    sum();
  }

  // Attendance grid: colour a cell when changed; on submit, compact every cell into two fields so that a
  // large grid stays under Django's limit on the number of form fields.
  const grid = document.querySelector("form[data-attendance-grid]");
  if (grid) {
    const note = grid.querySelector("[data-dirty-note]");
    grid.addEventListener("change", (event) => {
      const select = event.target.closest("select.att");
      if (select) select.className = select.className.replace(/att-\w+/, `att-${select.value || "none"}`);
      if (note) note.hidden = false;
    });
    grid.addEventListener("submit", () => {
      const cells = [];
      const results = [];
      grid.querySelectorAll("select[name^='c-']").forEach((select) => {
        const [, trainee, session] = select.name.split("-");
        if (select.value) cells.push(`${trainee}:${session}:${select.value}`);
        select.disabled = true;
      });
      grid.querySelectorAll("select[name^='r-']").forEach((select) => {
        results.push(`${select.name.slice(2)}:${select.value}`);
        select.disabled = true;
      });
      for (const [name, value] of [["cells", cells.join(",")], ["results", results.join(",")]]) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        grid.appendChild(input);
      }
    });
    // A page restored from the back-forward cache must not keep its cells disabled.
    window.addEventListener("pageshow", () => {
      grid.querySelectorAll("select:disabled").forEach((select) => { select.disabled = false; });
      grid.querySelectorAll("input[name=cells], input[name=results]").forEach((input) => input.remove());
    });
  }
});
