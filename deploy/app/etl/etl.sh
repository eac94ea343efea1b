#!/bin/sh
# The example etl job: a few log lines on both streams, then a nap of
# $ETL_SLEEP_SECONDS seconds (default 1), then success.
seconds=${ETL_SLEEP_SECONDS:-1}
trap 'echo "etl: stopped" >&2; exit 143' TERM INT
echo "etl: job ${RADIX_JOB_NAME:-$(hostname)} extracting"
echo "etl: warning: this example has no real data source" >&2
sleep "$seconds" &
wait $!
echo "etl: transformed 3 records"
echo "etl: loaded 3 records"
echo "etl: done" >&2
exit 0
