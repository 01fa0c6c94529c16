// The resend button waits out the server's resend delay, with the seconds shown.
const form = document.querySelector("[data-countdown]");
if (form) {
  const button = form.querySelector("[data-countdown-button]");
  const text = form.querySelector("[data-countdown-text]");
  let left = parseInt(form.dataset.countdown, 10) || 0;
  const tick = () => {
    if (left <= 0) { button.disabled = false; text.textContent = ""; return; }
    button.disabled = true;
    text.textContent = `You can ask for a new code in ${left} s.`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
// Pasting "123 456" or a code with stray characters keeps the six digits.
const code = document.getElementById("code");
if (code) code.addEventListener("input", () => { code.value = code.value.replace(/\D/g, "").slice(0, 6); });
