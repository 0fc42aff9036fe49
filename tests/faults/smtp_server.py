"""A real SMTP server for the outbox tests, run as its own process: `python smtp_server.py PORT MAILBOX
[--refuse N]`. It answers the first N messages with a temporary refusal (451) and accepts the rest, writing
each as a JSON line to MAILBOX; it prints "ready" once it listens and stops when its stdin closes."""

import argparse
import json
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, mailbox: str, refuse: int):
        self.mailbox = mailbox
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        with open(self.mailbox, "a", encoding="utf-8") as out:
            message = envelope.content.decode("utf-8", "replace")
            out.write(json.dumps({"to": envelope.rcpt_tos, "message": message}, ensure_ascii=False) + "\n")
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("mailbox")
    parser.add_argument("--refuse", type=int, default=0)
    args = parser.parse_args()
    controller = Controller(Handler(args.mailbox, args.refuse), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    controller.stop()


if __name__ == "__main__":
    main()
