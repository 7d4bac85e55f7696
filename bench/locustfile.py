"""Locust scenario for bench/bench_load.py: logged-in employees opening the home page and their record list.

Each simulated user takes one pre-made session cookie (bench_load.py writes them to BENCH_COOKIES) and
asks at a fixed pace, so users × pace = the offered rate.
"""

import itertools
import os
from pathlib import Path

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

COOKIES = [
    line.strip()
    for line in Path(os.environ["BENCH_COOKIES"]).read_text(encoding="utf-8").splitlines()
    if line.strip()
]
_next = itertools.count()
PACE = float(os.environ.get("BENCH_PACE", "1"))


class Employee(FastHttpUser):
    wait_time = constant_throughput(PACE)

    def on_start(self):
        self.cookie = COOKIES[next(_next) % len(COOKIES)]

    @task
    def home(self):
        self.client.get("/", headers={"Cookie": f"sessionid={self.cookie}"}, name="home")

    @task
    def records(self):
        self.client.get(
            "/records/external_training/", headers={"Cookie": f"sessionid={self.cookie}"}, name="record list"
        )
