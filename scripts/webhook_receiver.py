#!/usr/bin/env python3
"""A webhook receiver for the tests: checks each delivery with the `standardwebhooks` library (the
Standard Webhooks reference implementation, not ours) and writes one JSON line per attempt to a file.

    webhook_receiver.py PORT SECRET OUTPUT [--fail-first]

Answers 204 to a delivery whose signature holds, 401 to one whose does not; with --fail-first, answers
503 to the first attempt of each webhook-id (so every event is retried). Stops on SIGTERM.
"""
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

port, secret, output = int(sys.argv[1]), sys.argv[2], sys.argv[3]
fail_first = "--fail-first" in sys.argv[4:]
webhook = Webhook(secret)
seen_ids = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        line = {"id": headers.get("webhook-id"), "path": self.path}
        try:
            line["event"] = webhook.verify(body, headers)
            line["verified"] = True
        except WebhookVerificationError as error:
            line["verified"] = False
            line["error"] = str(error)
        first = line["id"] not in seen_ids
        seen_ids.add(line["id"])
        status = 401 if not line["verified"] else (503 if fail_first and first else 204)
        line["answered"] = status
        with open(output, "a") as file:
            file.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
print(f"receiving on 127.0.0.1:{port}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
server.server_close()
