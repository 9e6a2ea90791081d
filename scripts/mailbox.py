"""A real SMTP server for Latchkey's tests (aiosmtpd on 127.0.0.1).

Every message it accepts is written to DIR as NNNNN.json: {"from", "to", "subject", "body"},
with the plain-text body decoded, so tests read mail without parsing MIME themselves.
It prints "listening 127.0.0.1:PORT" once ready, and stops when its standard input closes
(the test that started it ended) or after --max-seconds.
"""

import argparse
import asyncio
import email
import itertools
import json
import pathlib
import sys
from email import policy

from aiosmtpd.smtp import SMTP


class Mailbox:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        self.sequence = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "subject": str(message["subject"]),
            "body": body.get_content() if body is not None else "",
        }
        number = next(self.sequence)
        partial = self.directory / f".{number:05}.json.partial"
        partial.write_text(json.dumps(record))
        partial.rename(self.directory / f"{number:05}.json")
        return "250 Message accepted for delivery"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True, type=pathlib.Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=1800)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    loop = asyncio.get_running_loop()
    handler = Mailbox(args.dir)
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="mailbox.test"), "127.0.0.1", args.port
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening 127.0.0.1:{port}", flush=True)

    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    try:
        await asyncio.wait_for(stdin_closed, timeout=args.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
