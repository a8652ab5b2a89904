#!/usr/bin/env bash
# Put a new rule file into force without dropping a request, or leave the old one in force and
# say so. Run it from the app folder with the same environment as gunicorn (gunicorn must have
# been started with --pid PIDFILE):
#
#   deploy/reload-rules.sh /run/pump-check/gunicorn.pid http://127.0.0.1:8000 NEW_RULES_FILE [CASES...]
#
# FLASK_RULES_FILE names the link the app loads (e.g. /srv/pump-check/rules/current.yaml); edit
# your rule file anywhere else and name it as NEW_RULES_FILE. The script
#   1. copies NEW_RULES_FILE into the link's folder as rules-<sha256>.yaml, read-only (0440): the
#      copy's name is its digest, so it cannot change unnoticed. NEW_RULES_FILE must be a regular
#      file (not a symbolic link) owned by RULES_OWNER (a user name or id; default: the user
#      running this script) and at most 1 MB (the loader's own limit), or nothing is copied;
#      an entry already in the folder under that name is replaced, never trusted;
#   2. runs `flask rules verify` on that copy (the one gate: validation, safety proofs, every example
#      case in RULES_CASES, default tests/cases, with a near miss per rule, the reference floor
#      table and the reading level) and refuses to go on when it fails; then `flask rules test`
#      with any CASES files named on the command line; a refused copy is deleted;
#   3. points FLASK_RULES_FILE at the copy, then USR2: a new gunicorn master loads the copy (and
#      proves it again at start-up); if it cannot start, the link is put back and the old master
#      keeps serving;
#   4. TERM to the old master (it finishes the requests in flight);
#   5. /healthz must show the copy's digest.
# Edits to NEW_RULES_FILE during or after the check never reach patients unchecked: only the
# checked copy is ever loaded. Each step has a time limit (RELOAD_TIMEOUT seconds, default 180:
# `rules verify` takes about half a minute).
# One reload at a time: the script holds a lock on the link's folder itself (nothing in it is
# opened to lock, so a planted file or link there is never followed or truncated).
# The last line says what is in force. Exit 0 only when the checked rules are in force.
set -uo pipefail

usage="usage: reload-rules.sh PIDFILE BASE_URL NEW_RULES_FILE [CASES...]"
pidfile=${1:?$usage}
url=${2:?$usage}
new_file=${3:?$usage}
shift 3
bin=${PUMP_CHECK_BIN:-.venv/bin}
wait_seconds=${RELOAD_TIMEOUT:-180}
cases_dir=${RULES_CASES:-tests/cases}
live=${FLASK_RULES_FILE:?set FLASK_RULES_FILE to the link the app loads (as for gunicorn)}
store=$(dirname -- "$live")
owner=${RULES_OWNER:-$(id -u)}
max_bytes=1048576  # triage/rules/yamlfile.py MAX_BYTES: the loader reads no more

served() {  # the digest /healthz shows, or nothing (the venv's Python, so no curl is needed)
    "$bin/python" -c 'import json, sys, urllib.request
print(json.loads(urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=5).read())["rules_digest"])' \
        "$url" 2>/dev/null
}
in_force() {
    "$bin/python" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=5).read().decode())' "$url" 2>/dev/null \
        || echo "(no answer from $url/healthz)"
}
old_digest=""
new_digest=""
fail() {  # say truthfully what is in force now, whatever step failed
    local now
    now=$(served)
    if [ -n "$now" ] && [ "$now" = "$old_digest" ]; then
        echo "RULES NOT CHANGED: $*" >&2
    elif [ -n "$now" ] && [ "$now" = "${new_digest:0:12}" ]; then
        echo "NEW RULES IN FORCE, BUT: $*" >&2
    else
        echo "RULES IN FORCE ARE NOT THE CHECKED ONES OR UNKNOWN: $*" >&2
    fi
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
limited() { timeout --kill-after=5 "$wait_seconds" "$@"; }
sha() { sha256sum -- "$1" | cut -d' ' -f1; }
point_at() {  # atomically make the link name $1 (a file in $store)
    local next
    next=$(mktemp -u "$store/.next-link.XXXXXX") || return 1
    ln -s -- "$1" "$next" && mv -Tf -- "$next" "$live"
}
keep() {  # copy a file into the store, named by its digest, read-only; print its name
    local tmp digest
    tmp=$(mktemp "$store/.incoming.XXXXXX") || return 1
    # dd: never through a link at the file's own name, never more than the loader would read,
    # and within the time limit (a file swapped for a pipe would never end).
    limited dd if="$1" of="$tmp" iflag=nofollow,count_bytes count=$((max_bytes + 1)) status=none \
        && [ "$(stat -c %s -- "$tmp")" -le "$max_bytes" ] && chmod 0440 -- "$tmp" \
        || { rm -f -- "$tmp"; return 1; }
    digest=$(sha "$tmp")
    # Replace whatever has the name (-T: even a link or a folder planted there is never used).
    mv -Tf -- "$tmp" "$store/rules-$digest.yaml" || { rm -f -- "$tmp"; return 1; }
    echo "rules-$digest.yaml"
}
refused() {  # delete a copy the checks refused, unless it is the file in force
    [ "$(readlink -f -- "$store/$copy")" = "$(readlink -f -- "$live")" ] || rm -f -- "$store/$copy"
    fail "$@"
}

old_digest=$(served)
[ -n "$old_digest" ] || fail "no app answers at $url/healthz."
[ -L "$new_file" ] && fail "$new_file is a symbolic link: name the rule file itself (nothing was copied)."
[ -f "$new_file" ] || fail "$new_file is not a file."
case "$owner" in
    *[!0-9]*|"") owner_id=$(id -u -- "$owner" 2>/dev/null) || fail "RULES_OWNER=$owner is not a user." ;;
    *) owner_id=$owner ;;
esac
[ "$(stat -c %u -- "$new_file")" = "$owner_id" ] \
    || fail "$new_file is not owned by user $owner (RULES_OWNER): nothing was copied."
size=$(stat -c %s -- "$new_file")
[ "$size" -le "$max_bytes" ] \
    || fail "$new_file is $size bytes; a rule file is at most $max_bytes (1 MB): nothing was copied."
case "$(readlink -f -- "$new_file")" in
    "$(readlink -f -- "$live")"|"$(readlink -f -- "$store")"/rules-*.yaml)
        fail "$new_file is the file in force or a checked copy: edit a rule file of your own and name it." ;;
esac
{ exec 9<"$store"; } 2>/dev/null && flock -n 9 || fail "another reload is running."

copy=$(keep "$new_file") || fail "could not copy $new_file into $store (a regular file of at most $max_bytes bytes)."
new_digest=${copy#rules-}
new_digest=${new_digest%.yaml}
echo "Checking $new_file as $store/$copy"
limited "$bin/flask" --app wsgi rules verify "$store/$copy" --cases "$cases_dir" \
    || refused "the new rule file is not valid or not safe, or does not pass \`rules verify\` with the cases in $cases_dir, or its check did not finish within ${wait_seconds}s (see above)."
if [ $# -gt 0 ]; then
    limited "$bin/flask" --app wsgi rules test --rules "$store/$copy" "$@" \
        || refused "the example cases fail with the new rule file, or did not finish within ${wait_seconds}s (see above)."
fi

old=$(cat "$pidfile" 2>/dev/null) && alive "$old" || fail "no gunicorn master is running from $pidfile."
# What the link names now, so that a failed start can put it back (a plain file is kept first).
if [ -L "$live" ]; then
    previous=$(readlink -- "$live")
elif [ -f "$live" ]; then
    previous=$(keep "$live") || fail "could not keep the rule file in force as a copy."
else
    previous=""
fi
point_at "$copy" || fail "could not point $live at $copy."
put_back() { [ -n "$previous" ] && point_at "$previous"; }

rm -f "$pidfile.2"
kill -USR2 "$old"
# The new master writes PIDFILE.2 only after it has loaded the app and the new rule file.
for _ in $(seq $((wait_seconds * 2))); do
    [ -s "$pidfile.2" ] && break
    alive "$old" || break
    sleep 0.5
done
[ -s "$pidfile.2" ] || { put_back; fail "the new gunicorn master did not start within ${wait_seconds}s (its reason is in the gunicorn log); the old master is still serving."; }
new=$(cat "$pidfile.2")
# Wait until the new master has workers and is still alive a moment later.
for _ in $(seq $((wait_seconds * 2))); do
    [ -n "$(children "$new")" ] && break
    sleep 0.5
done
sleep 1
{ alive "$new" && [ -n "$(children "$new")" ]; } \
    || { put_back; fail "the new gunicorn master has no workers; the old master is still serving."; }

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
    if [ "$(served)" = "${new_digest:0:12}" ]; then
        echo "New rules in force: $(in_force)"
        exit 0
    fi
    sleep 0.5
done
fail "/healthz does not show the checked copy's digest ${new_digest:0:12}."
