// Shared by every page: copy buttons and colour chips (inline styles are not allowed by the CSP).
document.querySelectorAll("[data-color]").forEach((chip) => { chip.style.background = chip.dataset.color; });
document.querySelectorAll("[data-font]").forEach((sample) => { sample.style.fontFamily = `"${sample.dataset.font.replace(/"/g, "")}", system-ui`; });
document.querySelectorAll("[data-percent]").forEach((bar) => { bar.style.width = bar.dataset.percent + "%"; });
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      const label = button.textContent;
      button.textContent = "Copied";
      setTimeout(() => { button.textContent = label; }, 1200);
    } catch (_) { /* the value stays visible to copy by hand */ }
  });
});
