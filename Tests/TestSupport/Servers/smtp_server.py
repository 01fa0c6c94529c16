"""A real SMTP server for tests (aiosmtpd): STARTTLS required, AUTH required after TLS.

Each accepted message is written to <dir>/<n>.eml with X-Test-* headers recording the
envelope recipients, whether TLS was on, and the authenticated login.
Usage: smtp_server.py PORT DIR
"""
import os
import ssl
import subprocess
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else ""
        header = (
            f"X-Test-Rcpt: {','.join(envelope.rcpt_tos)}\r\n"
            f"X-Test-TLS: {'yes' if session.ssl else 'no'}\r\n"
            f"X-Test-Login: {login}\r\n"
        ).encode()
        path = os.path.join(self.directory, f"{time.time_ns()}.eml")
        with open(path + ".tmp", "wb") as file:
            file.write(header + envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"mailer" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=localhost"],
        check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(
        Recorder(directory), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=authenticate, auth_require_tls=True)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
