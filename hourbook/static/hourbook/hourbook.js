// Hourbook: small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // "Select all" checkboxes: <input type="checkbox" data-select-all="name">
  document.body.addEventListener("change", (event) => {
    const box = event.target.closest("[data-select-all]");
    if (!box) return;
    document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`).forEach((el) => {
      el.checked = box.checked;
    });
  });
  // Days → hours helper on record forms: 1 day = 8 学时 (第十条), the figure the server puts in
  // data-hours-per-day (common.hours.HOURS_PER_DAY), so the rule is written once.
  document.body.addEventListener("input", (event) => {
    const days = event.target.closest("[data-days-to-hours]");
    if (!days) return;
    const hours = document.getElementById(days.dataset.daysToHours);
    const value = parseFloat(days.value);
    const perDay = parseFloat(days.dataset.hoursPerDay);
    if (hours && !Number.isNaN(value) && !Number.isNaN(perDay)) hours.value = (value * perDay).toString();
  });
  // Double-submit guard: <button data-submit-once data-busy-text="…"> is disabled once its form submits
  // (the server is idempotent anyway: ten identical submits make one record).
  document.body.addEventListener("submit", (event) => {
    const button = event.target.querySelector("[data-submit-once]");
    if (!button) return;
    setTimeout(() => {
      button.disabled = true;
      if (button.dataset.busyText) button.textContent = button.dataset.busyText;
    }, 0);
  });
  // Confirm dangerous actions: <button data-confirm="...">
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });
});
