"""An independent implementation of cron's next-run times, for the tests: Python's croniter.

Reads a JSON list of cases {expression, timeZone, start, end, limit} (times in seconds since 1970) on
stdin; prints, for each, the run times (seconds since 1970) strictly after `start` and before `end`,
at most `limit` of them.

Around DST shifts croniter does what classic cron does, with one difference: it runs a wall-clock time
that an autumn shift repeats twice even when the expression names its hours. The scheduler runs such a
time once, at its first occurrence (as classic cron does), so for those expressions the second
occurrence is left out here. With `*` for the hour both run (elapsed time: each real hour has its runs).
"""
import datetime
import json
import sys
import zoneinfo

from croniter import croniter


def runs(case):
    zone = zoneinfo.ZoneInfo(case["timeZone"])
    start = datetime.datetime.fromtimestamp(case["start"], zone)
    ticks, seen = [], set()
    fields = case["expression"].split()
    by_wall_clock = not case["expression"].startswith("@") and fields[1] != "*" or case["expression"] in ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight")
    iterator = croniter(case["expression"], start)
    while len(ticks) < case["limit"]:
        tick = iterator.get_next(datetime.datetime)
        stamp = tick.timestamp()
        if stamp >= case["end"]:
            break
        wall = tick.replace(tzinfo=None)
        if (by_wall_clock and wall in seen) or (ticks and stamp <= ticks[-1]):
            continue
        seen.add(wall)
        ticks.append(int(stamp))
    return ticks


print(json.dumps([runs(case) for case in json.load(sys.stdin)]))
