"""Schemathesis hooks for scripts/check-api.sh.

A generated batch may hold up to 500 jobs, each a container on the engine; a few hundred such requests
would make tens of thousands of containers on this one machine. Batches are cut to their first 3 jobs:
the contract of every field is still exercised, the engine is not flooded. (500-job batches are
measured in BENCHMARKS.md and tested in the scheduler's own tests.)

The event stream (`GET /api/v1/events`) goes on until the client leaves: each call is made a catch-up
read (`follow=false`), which answers the same way and then ends. (The stream itself is tested in
Tests/JobSchedulerAPITests/EventStreamTests.swift.)
"""
import schemathesis

MAX_JOBS = 3


@schemathesis.hook
def before_call(context, case, **kwargs):
    body = case.body
    if case.method.upper() == "POST" and case.path.rstrip("/").endswith("/batches") and isinstance(body, dict):
        jobs = body.get("jobScheduleDescriptions")
        if isinstance(jobs, list) and len(jobs) > MAX_JOBS:
            body["jobScheduleDescriptions"] = jobs[:MAX_JOBS]
    if case.method.upper() == "GET" and case.path.rstrip("/").endswith("/events"):
        case.query = dict(case.query or {})
        case.query["follow"] = "false"
