#!/usr/bin/env bash
# The whole OAuth 2.0 code flow with PKCE against a running picket-server, with curl alone:
# S256 from openssl, no JSON tool (fields read with sed). Same checks as flow.mjs.
#
#   PICKET_URL=… PICKET_PK=pk_… PICKET_SK=sk_… PICKET_REDIRECT_A=… PICKET_REDIRECT_B=… flow.sh
set -euo pipefail
: "${PICKET_URL:?}" "${PICKET_PK:?}" "${PICKET_SK:?}" "${PICKET_REDIRECT_A:?}" "${PICKET_REDIRECT_B:?}"

fail() { echo "curl flow: $*" >&2; exit 1; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
new_verifier() { openssl rand 32 | b64url; }                     # 43 unreserved characters
challenge_of() { printf '%s' "$1" | openssl dgst -sha256 -binary | b64url; }
# field NAME JSON: a string or number field of a flat JSON object.
field() { printf '%s' "$2" | sed -n "s/.*\"$1\" *: *\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# authorize REDIRECT CHALLENGE STATE: prints the code from the 302's Location.
authorize() {
  local status loc
  status=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -G "$PICKET_URL/oauth2/authorize" \
    --data-urlencode response_type=code --data-urlencode "client_id=$PICKET_PK" \
    --data-urlencode "redirect_uri=$1" --data-urlencode "code_challenge=$2" \
    --data-urlencode code_challenge_method=S256 --data-urlencode "state=$3")
  loc=${status#* }
  [ "${status%% *}" = 302 ] || fail "authorize: status ${status%% *}"
  case "$loc" in "$1?"*) ;; *) fail "authorize: redirected to $loc, not $1" ;; esac
  case "$loc" in *"state=$3"*) ;; *) fail "authorize: state not echoed in $loc" ;; esac
  case "$loc" in *error=*) fail "authorize: error in $loc" ;; esac
  printf '%s' "$loc" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p'
}

# token CODE REDIRECT VERIFIER: writes the body to $tmp/body, prints the status.
token() {
  curl -sS -o "$tmp/body" -w '%{http_code}' -X POST "$PICKET_URL/oauth2/token" \
    --data-urlencode grant_type=authorization_code --data-urlencode "code=$1" \
    --data-urlencode "redirect_uri=$2" --data-urlencode "client_id=$PICKET_PK" \
    --data-urlencode "code_verifier=$3"
}

# validate TOKEN: prints the body (the secret key goes in -u, never on a log line).
validate() {
  curl -sS -f -u "$PICKET_SK:" -H 'content-type: application/json' \
    --data "{\"token\":\"$1\"}" "$PICKET_URL/v1/tokens/validate"
}

for key in "$PICKET_PK" "$PICKET_SK"; do
  curl -sS -f -o /dev/null -u "$key:" "$PICKET_URL/v1/ping" || fail "ping refused a valid key"
done

verifier=$(new_verifier)
state=st-$(openssl rand -hex 8)
code=$(authorize "$PICKET_REDIRECT_A" "$(challenge_of "$verifier")" "$state")
[ ${#code} -ge 16 ] || fail "authorize: no code"
[ "$(token "$code" "$PICKET_REDIRECT_A" "$verifier")" = 200 ] || fail "token: $(cat "$tmp/body")"
body=$(cat "$tmp/body")
access=$(field access_token "$body")
[ ${#access} -ge 16 ] || fail "token: no access_token"
[ "$(field token_type "$body")" = Bearer ] || fail "token: token_type"
[ "$(field expires_in "$body")" -gt 0 ] || fail "token: expires_in"
v=$(validate "$access")
[ "$(printf '%s' "$v" | tr -d ' ' | grep -c '"active":true')" = 1 ] || fail "validate: $v"
[ "$(field client_id "$v")" = "$PICKET_PK" ] || fail "validate: client_id"

# Replay: refused, and the token from the code is revoked.
[ "$(token "$code" "$PICKET_REDIRECT_A" "$verifier")" = 400 ] || fail "replay accepted"
[ "$(field error "$(cat "$tmp/body")")" = invalid_grant ] || fail "replay: $(cat "$tmp/body")"
[ "$(validate "$access" | tr -d ' \n')" = '{"active":false}' ] || fail "replay: token still active"

# Wrong verifier.
v2=$(new_verifier)
code2=$(authorize "$PICKET_REDIRECT_A" "$(challenge_of "$v2")" s2)
[ "$(token "$code2" "$PICKET_REDIRECT_A" "$(new_verifier)")" = 400 ] || fail "wrong verifier accepted"
[ "$(field error "$(cat "$tmp/body")")" = invalid_grant ] || fail "wrong verifier: $(cat "$tmp/body")"

# The code used with another registered redirect URI.
v3=$(new_verifier)
code3=$(authorize "$PICKET_REDIRECT_A" "$(challenge_of "$v3")" s3)
[ "$(token "$code3" "$PICKET_REDIRECT_B" "$v3")" = 400 ] || fail "other redirect_uri accepted"
[ "$(field error "$(cat "$tmp/body")")" = invalid_grant ] || fail "other redirect_uri: $(cat "$tmp/body")"

echo "curl: PKCE flow OK (authorize, token, validate, replay revokes, wrong verifier, other redirect_uri)"
