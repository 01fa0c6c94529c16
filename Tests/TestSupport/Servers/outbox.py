"""The sign-in code `blumpo` wrote for an address to its outbox folder (no SMTP configured), for
the scripts that drive a running server (Tests/Fuzz, Tests/Chaos)."""
import os
import re
import time


def code_from_outbox(data_dir, email, seconds=60):
    outbox = os.path.join(data_dir, "outbox")
    for _ in range(seconds * 2):
        for name in sorted(os.listdir(outbox)) if os.path.isdir(outbox) else []:
            text = open(os.path.join(outbox, name), errors="replace").read()
            found = re.search(r"\b(\d{6})\b", text) if email in text else None
            if found:
                return found.group(1)
        time.sleep(0.5)
    raise SystemExit("no sign-in code arrived in the outbox for " + email)
