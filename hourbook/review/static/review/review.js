// Review queue and record page: going through a queue without the mouse.
// Keys (documented on the page): j/↓ next row, k/↑ previous row, a approve, r open the reject reason box
// (Enter submits, Esc closes), x select, o/Enter open the record. After a decision the next row gets focus.
(() => {
  const rows = () => Array.from(document.querySelectorAll("[data-review-row]"));
  const currentRow = () => document.activeElement && document.activeElement.closest("[data-review-row]");

  function focusRow(row) {
    if (!row) return;
    rows().forEach((r) => r.setAttribute("tabindex", "-1"));
    row.setAttribute("tabindex", "0");
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(delta) {
    const all = rows();
    if (!all.length) return;
    const row = currentRow();
    const index = row ? all.indexOf(row) : -1;
    if (index === -1) {
      focusRow(delta > 0 ? all[0] : all[all.length - 1]);
      return;
    }
    focusRow(all[Math.min(Math.max(index + delta, 0), all.length - 1)]);
  }

  function closeReason(row) {
    const box = row.querySelector("[data-reason-box]");
    if (!box) return;
    box.hidden = true;
    const opener = row.querySelector("[data-reject-open]");
    if (opener) opener.setAttribute("aria-expanded", "false");
    focusRow(row);
  }

  function openReason(row) {
    const box = row.querySelector("[data-reason-box]");
    if (!box) return false;
    box.hidden = false;
    const opener = row.querySelector("[data-reject-open]");
    if (opener) opener.setAttribute("aria-expanded", "true");
    box.querySelector("input").focus();
    return true;
  }

  // The "不通过…" link opens the inline box when scripts run (without them it leads to the record page).
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-reject-open]");
    if (!opener) return;
    const row = opener.closest("[data-review-row]");
    if (row && openReason(row)) event.preventDefault();
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    const typing = target.matches(
      "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]",
    );
    if (typing) {
      if (event.key === "Escape" && target.closest("[data-reason-box]")) {
        closeReason(target.closest("[data-review-row]"));
        event.preventDefault();
      }
      return;
    }
    // The record page: a approves, r goes to the reason.
    const detailApprove = document.querySelector("[data-detail-approve]");
    const detailReason = document.querySelector("[data-detail-reason]");
    if (!rows().length) {
      if (event.key === "a" && detailApprove) {
        detailApprove.requestSubmit();
        event.preventDefault();
      } else if (event.key === "r" && detailReason) {
        detailReason.focus();
        event.preventDefault();
      }
      return;
    }
    const row = currentRow();
    switch (event.key) {
      case "j":
      case "ArrowDown":
        move(1);
        break;
      case "k":
      case "ArrowUp":
        move(-1);
        break;
      case "a": {
        const form = row && row.querySelector("[data-approve-form]");
        if (!form) return;
        form.requestSubmit();
        break;
      }
      case "r":
        if (!row || !openReason(row)) return;
        break;
      case "x": {
        const box = row && row.querySelector("[data-select]");
        if (!box) return;
        box.checked = !box.checked;
        break;
      }
      case "o":
      case "Enter": {
        if (!row || (event.key === "Enter" && target !== row)) return;
        const link = row.querySelector("[data-detail-link]");
        if (link) window.location.assign(link.href);
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  });

  // After a row's decision comes back (htmx fires afterSettle on the new row), go on to the next row;
  // on an error stay on the row (or in its reason box).
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const row = event.target.matches && event.target.matches("[data-review-row]") ? event.target : null;
    if (!row) return;
    if (row.dataset.decided === "1") {
      const all = rows();
      focusRow(all[all.indexOf(row) + 1] || row);
    } else {
      const input = row.querySelector("[data-reason-box]:not([hidden]) input");
      if (input) input.focus();
      else focusRow(row);
    }
  });
})();
