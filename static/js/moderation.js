// The moderator's pages: keyboard shortcuts, image reveal, the lease (kept alive, given back
// when the case is left, and news of a take-over), the bulk bar's count and the statement
// preview. Every page works without this file; it only saves keystrokes and clicks.
(function () {
  "use strict";

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const csrf = () => ($("input[name=csrfmiddlewaretoken]") || {}).value || "";
  let submitting = false;

  // Keys typed into a text field are text; radio buttons and checkboxes keep the shortcuts.
  function typing(target) {
    return (
      target.closest(
        "textarea, select, [contenteditable], input:not([type=radio]):not([type=checkbox])"
      ) !== null
    );
  }

  // Rows: j/k move, Enter opens, x selects for a bulk decision.
  let current = -1;
  function rows() {
    return $$("table[data-rows] tbody tr[data-href]");
  }
  function moveTo(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
  }

  // Images: blurred and grey until revealed, one at a time or all with "v".
  function toggleReveal(element) {
    element.classList.toggle("blurred");
  }
  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-reveal]");
    if (target) {
      event.preventDefault();
      toggleReveal(target);
    }
  });

  // The decision form: number keys choose, the statement preview follows, Ctrl+Enter submits.
  const decideForm = $("#decide-form");
  const templatesNode = $("#statement-templates");
  const templates = templatesNode ? JSON.parse(templatesNode.textContent) : {};
  const statement = $("#statement");

  // Each decision's radio carries its number key and, as they apply on this case, data-timed
  // (it lasts days), data-why (what the written justification it needs here should say),
  // data-removal (the "also remove the content" box goes with it) and data-care (support or a
  // welfare check, whose message the member reads without the moderator's words): all the
  // server's (reports/web/forms/moderation.py).
  function decisionRadios() {
    return decideForm ? $$("input[name=action]", decideForm) : [];
  }
  // Another moderator holds the case: the panel is disabled, and says why.
  function decidingOff() {
    const fields = decideForm && $("fieldset.decide-fields", decideForm);
    return Boolean(fields && fields.disabled);
  }
  // The "why" field shows for a decision that needs it, and whenever it holds text or an error:
  // a justification typed, then hidden by another choice, would still be sent.
  function showFields(choice) {
    const has = (name) => Boolean(choice && name in choice.dataset);
    const daysRow = $(".field.days", decideForm);
    if (daysRow) daysRow.hidden = !has("timed");
    const whyRow = $(".field.why", decideForm);
    if (whyRow) {
      const kept = $("textarea", whyRow).value.trim() || $(".error", whyRow);
      whyRow.hidden = !has("why") && !kept;
      $("textarea", whyRow).required = has("why");
      const help = $(".help", whyRow);
      if (!help.dataset.general) help.dataset.general = help.textContent;
      help.textContent = has("why") ? choice.dataset.why : help.dataset.general;
    }
    const alsoRemove = $(".also-remove", decideForm);
    if (alsoRemove) alsoRemove.hidden = !has("removal");
    $$(".facts-help", decideForm).forEach((help) => {
      help.hidden = (help.dataset.for === "care") !== has("care");
    });
  }
  function updatePreview() {
    if (!decideForm) return;
    const choice = decisionRadios().find((radio) => radio.checked);
    showFields(choice);
    if (!statement) return;
    const action = choice ? choice.value : "";
    const timed = Boolean(choice && "timed" in choice.dataset);
    const days = parseInt(($("input[name=days]", decideForm) || {}).value, 10);
    let text = templates[action] || "";
    const words = statement.dataset;
    if (timed && days > 0) {
      const pattern = days === 1 ? words.dayOne : words.dayMany;
      // The end date is written in the member's format by the server alone: until it
      // answers, the preview holds a gap there rather than a date the member never reads.
      text = text
        .split("{duration}").join((pattern || "{n} days").replace("{n}", days))
        .split("{ends_at}").join("…");
    }
    const facts = currentFacts();
    text = text.split("{facts}").join(facts.trim());
    statement.textContent = text.trim();
    serverPreview(action, timed && days > 0 ? days : "", facts);
  }

  // The server writes the statement exactly as the decision would (the end date in the
  // member's format, the closing sentence): asked once per action and duration, the typed
  // facts filled in here. Until it answers, the local preview above stands.
  const serverStatements = new Map();
  let previewTimer = null;
  let wantedKey = "";
  function showServerStatement(key, facts) {
    const text = serverStatements.get(key);
    if (text === undefined) return;
    statement.textContent = text.split("{facts}").join(facts.trim()).trim();
    statement.removeAttribute("aria-busy");
  }
  function serverPreview(action, days, facts) {
    const url = statement.dataset.previewUrl;
    const key = `${action}:${days}`;
    wantedKey = key;
    if (!url || !action) {
      statement.removeAttribute("aria-busy");
      return;
    }
    if (serverStatements.has(key)) {
      showServerStatement(key, facts);
      return;
    }
    statement.setAttribute("aria-busy", "true");
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      try {
        const query = new URLSearchParams({ action, days });
        const response = await fetch(`${url}?${query}`, { headers: { Accept: "application/json" } });
        if (response.ok) serverStatements.set(key, (await response.json()).statement);
      } catch (error) {
        // The local preview stays.
      }
      if (key !== wantedKey) return;
      if (serverStatements.has(key)) showServerStatement(key, currentFacts());
      else statement.removeAttribute("aria-busy");
    }, 200);
  }
  function currentFacts() {
    return ($("textarea[name=facts]", decideForm) || {}).value || "";
  }
  // A number key chooses the decision whose radio carries it; false when none does.
  function choose(key) {
    if (decidingOff()) return false;
    const choice = decisionRadios().find((radio) => radio.dataset.key === key);
    if (!choice) return false;
    choice.checked = true;
    updatePreview();
    const days = $("input[name=days]", decideForm);
    const why = $("textarea[name=justification]", decideForm);
    if ("timed" in choice.dataset && days) days.focus();
    else if ("why" in choice.dataset && why) why.focus();
    else $("textarea[name=facts]", decideForm).focus();
    return true;
  }
  if (decideForm) {
    decideForm.addEventListener("input", updatePreview);
    decideForm.addEventListener("change", updatePreview);
    updatePreview();
  }

  function submitDecision() {
    if (!decideForm || decidingOff()) return;
    const next = $("button[name=then][value=next]", decideForm);
    decideForm.requestSubmit(next || undefined);
  }

  // One submission per form: a double click must not decide twice or skip a case.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    submitting = true;
  });

  document.addEventListener("keydown", (event) => {
    const dialog = $("#keys");
    if (dialog && dialog.open) return; // the help is showing; Esc closes it
    const inForm = event.target.closest("form");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && decideForm) {
      // Only from the decision form itself (or from no form): Ctrl+Enter in a note or an
      // escalation reason must not decide the case.
      if (inForm && inForm !== decideForm) return;
      event.preventDefault();
      submitDecision();
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" && event.target.closest("a, button, summary")) return;
    switch (event.key) {
      case "j":
        moveTo(current + 1);
        break;
      case "k":
        moveTo(current - 1);
        break;
      case "Enter": {
        const row = rows()[current];
        if (row) window.location.href = row.dataset.href;
        else return;
        break;
      }
      case "x": {
        const row = rows()[current];
        const box = row && $("input[type=checkbox]", row);
        if (box) box.checked = !box.checked;
        countSelected();
        break;
      }
      case "n": {
        const form = $("form[data-next-case]");
        if (form) form.requestSubmit();
        break;
      }
      case "e": {
        const note = $("#escalate-form textarea");
        if (note) note.focus();
        break;
      }
      case "r": {
        const form = $("form[data-release]");
        if (form) form.requestSubmit();
        break;
      }
      case "v":
        $$("[data-reveal]").forEach(toggleReveal);
        break;
      case "?":
        if (dialog && !dialog.open) dialog.showModal();
        break;
      default:
        if (choose(event.key)) break;
        return;
    }
    event.preventDefault();
  });

  $$("[data-show-keys]").forEach((button) =>
    button.addEventListener("click", () => $("#keys").showModal())
  );
  // The bulk bar says how many cases are selected, as they are ticked, and when the page comes
  // back with a selection (a refused choice, or boxes the browser kept on a reload).
  const bulkForm = $("#bulk-form");
  const bulkCount = bulkForm && $("[data-bulk-count]", bulkForm);
  function countSelected() {
    if (!bulkCount) return;
    const n = $$("input[name=cases]:checked", bulkForm).length;
    const words = n === 1 ? bulkCount.dataset.one : bulkCount.dataset.many;
    bulkCount.textContent = (words || "{n}").replace("{n}", n);
    bulkForm.classList.toggle("has-selection", n > 0);
  }
  if (bulkForm) {
    bulkForm.addEventListener("change", countSelected);
    window.addEventListener("pageshow", countSelected);
    countSelected();
  }
  $$("[data-select-all]").forEach((box) =>
    box.addEventListener("change", () => {
      $$("input[name=cases]", box.closest("form")).forEach((each) => {
        each.checked = box.checked;
      });
      countSelected();
    })
  );
  $$("table[data-rows] tbody tr[data-href]").forEach((row, index) =>
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, input, button, label")) return;
      moveTo(index);
    })
  );

  // The lease: renewed every minute while the case page is open, given back when it is left,
  // however it is left: a link, another address typed, the back button, a closed tab. Each
  // page of the case its holder is shown renews the lease, and the page being left sends the
  // lease it last saw: the server gives the case back only if that is still the lease, so a
  // reload (whose new page has renewed it already) keeps the case.
  const layout = $("[data-lease-url]");
  if (layout) {
    let holding = true;
    let given = false;
    const body = () => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", csrf());
      return data;
    };
    const lost = (data) => {
      holding = false;
      clearInterval(timer);
      const banner = document.createElement("div");
      banner.className = data.taken_over ? "banner warning taken-over" : "banner warning";
      banner.setAttribute("role", "alert");
      banner.textContent = data.error;
      layout.before(banner);
      if (!data.taken_over) return;
      // Someone else holds the case now: what needs the claim is off, and says why.
      $$("fieldset.decide-fields, fieldset.escalate-fields").forEach((fieldset) => {
        fieldset.disabled = true;
        const reason = $(".held-reason", fieldset.closest("form"));
        if (reason) {
          reason.textContent = data.error;
          reason.hidden = false;
          fieldset.setAttribute("aria-describedby", reason.id);
        }
      });
      $$("form[data-release]").forEach((form) => form.remove());
    };
    const renew = () => {
      if (!holding || document.visibilityState !== "visible") return;
      fetch(layout.dataset.leaseUrl, {
        method: "POST",
        body: body(),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then((response) => {
          if (response.ok) {
            return response.json().then((data) => {
              layout.dataset.lease = data.lease_expires_at;
            });
          }
          if (response.status === 409) return response.json().then(lost);
          return null;
        })
        .catch(() => {
          // Offline for a moment: the next renewal tries again.
        });
    };
    const giveBack = () => {
      if (!holding || given) return;
      given = true;
      const data = body();
      data.append("beacon", "1");
      data.append("lease", layout.dataset.lease);
      navigator.sendBeacon(layout.dataset.releaseUrl, data);
    };
    const timer = setInterval(renew, 60000);
    document.addEventListener("visibilitychange", renew);
    window.addEventListener("pagehide", giveBack);
    // A page kept by the browser for "back" would hold a case it gave back: draw it anew.
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) window.location.reload();
    });
    // Following a link of the back-office gives the case back at once, so that the page it
    // leads to (the queue) already shows it free; pagehide would do it a moment later. A link
    // inside the case (the member's record, another of their cases) keeps it, for the moderator
    // who comes back to decide: its lease runs out if they do not. New tabs leave this page be.
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || submitting || link.target === "_blank" || link.closest("dialog")) return;
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      if (link.origin !== window.location.origin) return;
      if (link.pathname === window.location.pathname) return;
      if (layout.contains(link)) {
        given = true; // looked at, not left: pagehide keeps the case
        setTimeout(() => {
          given = false; // still here: the link went nowhere
        }, 3000);
        return;
      }
      giveBack();
    });
  }
})();
