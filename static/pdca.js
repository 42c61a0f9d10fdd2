// The public plan page's print button (the site's Content-Security-Policy allows no inline script).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
