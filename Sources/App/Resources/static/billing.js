// Stripe sends the buyer back before its webhook lands: wait for the new balance, then show it.
const box = document.querySelector("[data-billing-return]");
if (box) {
  const start = parseInt(box.dataset.startBalance, 10);
  const text = box.querySelector("[data-billing-text]");
  const balance = box.querySelector("[data-balance]");
  let tries = 0;
  const poll = async () => {
    tries += 1;
    try {
      const response = await fetch("/api/v1/me", { credentials: "same-origin" });
      if (response.ok) {
        const me = await response.json();
        const now = me.tokens ? me.tokens.balance : start;
        if (now !== start) { balance.textContent = now; text.textContent = "Payment received: your new balance is ready."; return; }
      }
    } catch (_) { /* try again */ }
    if (tries < 60) setTimeout(poll, 2000); else text.textContent = "Still waiting for the payment to be confirmed; refresh in a minute.";
  };
  setTimeout(poll, 1000);
}
