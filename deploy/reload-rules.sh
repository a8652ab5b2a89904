#!/usr/bin/env bash
# Put a new rule file into force without dropping a request, or leave the old one in force and
# say so. Replace the file at FLASK_RULES_FILE's path first, then run this from the app folder
# with the same environment as gunicorn (gunicorn must have been started with --pid PIDFILE):
#
#   deploy/reload-rules.sh /run/pump-check/gunicorn.pid http://127.0.0.1:8000 [CASES...]
#
# Steps: `flask rules check` -> `flask rules test` -> gunicorn USR2 (a new master loads the new
# file; if that fails, it exits and the old master keeps serving the old rules) -> TERM to the
# old master (it finishes the requests in flight) -> /healthz must show the new file's digest.
# Exit 0 only when the new rules are in force.
set -uo pipefail

pidfile=${1:?usage: reload-rules.sh PIDFILE BASE_URL [CASES...]}
url=${2:?usage: reload-rules.sh PIDFILE BASE_URL [CASES...]}
shift 2
bin=${PUMP_CHECK_BIN:-.venv/bin}
wait_seconds=${RELOAD_TIMEOUT:-30}

in_force() {  # the venv's Python, so that the script needs no curl
    "$bin/python" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=5).read().decode())' "$url" 2>/dev/null \
        || echo "(no answer from $url/healthz)"
}
fail() {
    echo "RULES NOT CHANGED: $*" >&2
    echo "In force now: $(in_force)" >&2
    exit 1
}
alive() {  # running, and not a zombie waiting for its parent to reap it
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}
children() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

"$bin/flask" --app wsgi rules check || fail "the new rule file is not valid (see above)."
"$bin/flask" --app wsgi rules test "$@" || fail "the example cases fail with the new rule file (see above)."
digest=$("$bin/python" -c 'import os
from triage import SHIPPED_RULES, rules
print(rules.load(os.environ.get("FLASK_RULES_FILE") or SHIPPED_RULES).digest)') \
    || fail "could not read the new rule file's digest."

old=$(cat "$pidfile" 2>/dev/null) && alive "$old" || fail "no gunicorn master is running from $pidfile."
rm -f "$pidfile.2"
kill -USR2 "$old"
# The new master writes PIDFILE.2 only after it has loaded the app and the new rule file.
for _ in $(seq $((wait_seconds * 2))); do
    [ -s "$pidfile.2" ] && break
    sleep 0.5
done
[ -s "$pidfile.2" ] || fail "the new gunicorn master did not start within ${wait_seconds}s (its reason is in the gunicorn log); the old master is still serving."
new=$(cat "$pidfile.2")
# Wait until the new master has workers and is still alive a moment later.
for _ in $(seq $((wait_seconds * 2))); do
    [ -n "$(children "$new")" ] && break
    sleep 0.5
done
sleep 1
{ alive "$new" && [ -n "$(children "$new")" ]; } \
    || fail "the new gunicorn master has no workers; the old master is still serving."

kill -TERM "$old"
for _ in $(seq $((wait_seconds * 2))); do
    alive "$old" || break
    sleep 0.5
done
alive "$old" && fail "the old master $old did not stop within ${wait_seconds}s; both are serving."
# The new master takes over PIDFILE once it sees the old one gone (within a second or two).
for _ in $(seq $((wait_seconds * 2))); do
    [ "$(cat "$pidfile" 2>/dev/null)" = "$new" ] && break
    sleep 0.5
done
[ "$(cat "$pidfile" 2>/dev/null)" = "$new" ] || echo "warning: $pidfile does not hold the new master's pid $new yet" >&2

for _ in $(seq 20); do
    case "$(in_force)" in
        *"\"rules_digest\":\"$digest\""*)
            echo "New rules in force: $(in_force)"
            exit 0 ;;
    esac
    sleep 0.5
done
fail "/healthz does not show the new digest $digest."
