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
  // The handlers below replace inline on…="" attributes, which the Content-Security-Policy does not run.
  // A select that submits its form when changed: <select data-autosubmit>
  document.body.addEventListener("change", (event) => {
    const select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  // <button data-print> prints the page; <a data-history-back href="/"> goes back (the href is the fallback).
  document.body.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      window.print();
    } else if (event.target.closest("[data-history-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  // Upload progress: <form data-upload-progress="progress-id"> sent by htmx fills the <progress>.
  document.body.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest("[data-upload-progress]");
    const bar = form && document.getElementById(form.dataset.uploadProgress);
    if (bar && event.detail.total) bar.value = Math.round((event.detail.loaded * 100) / event.detail.total);
  });
  // Progress bars whose width comes from the server: <div class="progress-bar" data-percent="40">
  // (style="" attributes are refused by the Content-Security-Policy; setting the style from a script is not).
  const widen = (root) => {
    root.querySelectorAll("[data-percent]").forEach((bar) => {
      bar.style.width = `${Number(bar.dataset.percent) || 0}%`;
    });
  };
  widen(document);
  document.body.addEventListener("htmx:afterSettle", () => widen(document));
  // Confirm dangerous actions: <button data-confirm="...">
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });
});
