// The "Copy link" button beside a new portal link: copies the address, or selects it to copy by hand.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  const field = document.querySelector(button.dataset.copyTarget);
  if (!field) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch {
      field.select();
      button.textContent = "Press Ctrl+C (⌘C) to copy";
    }
  });
});
