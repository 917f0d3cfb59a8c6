// The transparency report: its "Print" button (the page prints without its forms and links).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
