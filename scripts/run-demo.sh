#!/usr/bin/env bash
# The demo as production serves it (`make run`): gunicorn, and beside it the timers that send
# due reminders and run queued jobs every minute (manage.py run_timers). Ctrl-C stops both.
set -euo pipefail
BIN=${BIN:-.venv/bin}
"$BIN/python" manage.py run_timers &
timers=$!
trap 'kill "$timers" 2>/dev/null || true' EXIT INT TERM
"$BIN/gunicorn" cairn.wsgi --config gunicorn.conf.py --bind 127.0.0.1:8000 \
	--workers 2 --threads 4 --error-logfile -
