"""Supervision tests use the shared world and a small local HTTP receiver standing in for the
WeCom and DingTalk robots."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jiedao.conftest import SHANGHAI, TUESDAY_0900, clock, report, walk_to  # noqa: F401
from jiedao.supervision.services import escalation_steps_seed


@pytest.fixture
def ladder(db):
    escalation_steps_seed()


@dataclass
class Answer:
    status: int = 200
    body: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


class Receiver:
    """Answers POSTs with the queued answers (the last one repeats) and records what it got."""

    def __init__(self, answers: list[Answer]):
        self.answers = list(answers)
        self.requests: list[tuple[str, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                receiver.requests.append((self.path, body))
                answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                if answer.delay:
                    time.sleep(answer.delay)
                data = json.dumps(answer.body).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/robot/send?access_token=abc") -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(*answers: Answer) -> Receiver:
        receiver = Receiver(list(answers) or [Answer()])
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()
