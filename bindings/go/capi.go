// capi.go is over 500 lines on purpose (#15.2): it is the one file that talks to C, so that
// every cgo call, its C shim and every unsafe conversion are reviewed in one place.

package picket

// This file is the only one that talks to C. Everything else in the package is plain Go.
// Which library it links (the one this module carries, or one found through pkg-config) is
// said in link_packaged.go, link_pkgconfig.go and link_shared.go.
//
// How errors cross the boundary without runtime.LockOSThread: the C ABI keeps the detailed
// message of the last failure per OS thread, and a goroutine may move between OS threads
// between two cgo calls. So each C function is called through a small C shim, below, that
// makes the call and, only when it failed, reads the message in the same cgo call (one C
// function runs on one OS thread from start to end) into a malloc'd copy that Go then
// frees. A successful call is exactly one cgo call, with no locking and no Go allocation.
//
// Inputs are Go strings and slices passed as (pointer, length) without copying: the C ABI
// reads them only during the call and never keeps them, and their memory holds no Go
// pointers. Fixed-size outputs (kinds, digests, key text) come back inside structs returned
// by value, so no Go pointer is handed to C for them.

/*
#include <stdlib.h>
// The header comes from packaged/include (link_packaged.go) or from pkg-config. In a
// checkout of the picket repository packaged/ is build output: say what makes it.
#if defined(__has_include)
#if !__has_include("picket.h")
#error "picket.h not found. In a checkout of the picket repository, source scripts/libpicket-env.sh first (it builds libpicket into bindings/go/packaged); with the C library installed, build with -tags picket_pkgconfig"
#endif
#endif
#include "picket.h"

// PG_MSG_INLINE is the room for the detailed message inside a result. The messages of the
// authentication path fit (the longest is about 105 bytes), so a rejected request costs
// one cgo call and no malloc; a longer message (some redirect URI and authorize messages)
// goes to a malloc'd copy, freed by Go. A larger room would cost every call, success
// included, a larger result to copy.
#define PG_MSG_INLINE 128

// The outcome of one call: its result code and, on failure, the detailed message, in msg
// (msg_len bytes) or, when longer than PG_MSG_INLINE, in a malloc'd copy at heap that Go
// frees. msg is left uninitialised on success: nothing reads it.
typedef struct {
	uint32_t code;
	size_t msg_len;
	char *heap;
	char msg[PG_MSG_INLINE];
} pg_status;

// Reads the calling thread's last error message into s when s->code is a failure. Must
// run in the same cgo call as the failing function.
static void pg_read_message(pg_status *s) {
	s->heap = NULL;
	s->msg_len = 0;
	if (s->code == PICKET_RESULT_OK) {
		return;
	}
	size_t n = 0;
	uint32_t r = picket_last_error_message((uint8_t *)s->msg, sizeof s->msg, &n);
	if (r == PICKET_RESULT_OK) {
		s->msg_len = n;
		return;
	}
	if (r != PICKET_RESULT_BUFFER_TOO_SMALL || n == 0) {
		return;
	}
	char *buf = malloc(n);
	if (buf == NULL) {
		return;
	}
	if (picket_last_error_message((uint8_t *)buf, n, &n) != PICKET_RESULT_OK) {
		free(buf);
		return;
	}
	s->heap = buf;
	s->msg_len = n;
}

#define PG_STATUS(field, call) do { (field).code = (call); pg_read_message(&(field)); } while (0)

static pg_status pg_status_of(uint32_t code) {
	pg_status s;
	s.code = code;
	pg_read_message(&s);
	return s;
}

typedef struct { pg_status st; uint32_t kind; } pg_kind;
typedef struct { pg_status st; uint8_t text[PICKET_KEY_LEN]; size_t len; } pg_key;
typedef struct { pg_status st; uint8_t bytes[PICKET_DIGEST_LEN]; } pg_digest;
typedef struct { pg_status st; uint8_t text[PICKET_DIGEST_HEX_LEN]; size_t len; } pg_hex;
typedef struct { pg_status st; uint8_t text[PICKET_REDACTED_LEN]; size_t len; } pg_redacted;
typedef struct { pg_status st; size_t index; } pg_index;
typedef struct { pg_status st; uint32_t kind; uint8_t text[PICKET_KEY_LEN]; size_t len; } pg_parsed;
typedef struct { pg_status st; bool matched; } pg_matched;
typedef struct { pg_status st; uint64_t project; uint32_t kind; } pg_auth;
typedef struct { pg_status st; uint64_t project; } pg_project;
typedef struct { pg_status st; picket_registry *registry; } pg_built;
typedef struct { pg_status st; size_t len; } pg_len;

static pg_kind pg_key_parse(const uint8_t *key, size_t n) {
	pg_kind r;
	PG_STATUS(r.st, picket_key_parse(key, n, &r.kind));
	return r;
}

static pg_key pg_key_format(uint32_t kind, const uint8_t *random16) {
	pg_key r;
	PG_STATUS(r.st, picket_key_format(kind, random16, r.text, sizeof r.text, &r.len));
	return r;
}

static pg_key pg_key_generate(uint32_t kind) {
	pg_key r;
	PG_STATUS(r.st, picket_key_generate(kind, r.text, sizeof r.text, &r.len));
	return r;
}

static pg_digest pg_key_digest(const uint8_t *key, size_t n) {
	pg_digest r;
	PG_STATUS(r.st, picket_key_digest(key, n, r.bytes));
	return r;
}

static pg_hex pg_key_digest_hex(const uint8_t *key, size_t n) {
	pg_hex r;
	PG_STATUS(r.st, picket_key_digest_hex(key, n, r.text, sizeof r.text, &r.len));
	return r;
}

static pg_digest pg_digest_from_hex(const uint8_t *hex, size_t n) {
	pg_digest r;
	PG_STATUS(r.st, picket_digest_from_hex(hex, n, r.bytes));
	return r;
}

static pg_status pg_key_verify(const uint8_t *key, size_t n, const uint8_t *digest32) {
	return pg_status_of(picket_key_verify(key, n, digest32));
}

static pg_index pg_key_verify_any(const uint8_t *key, size_t n, const uint8_t *digests, size_t count) {
	pg_index r;
	PG_STATUS(r.st, picket_key_verify_any(key, n, digests, count, &r.index));
	return r;
}

static pg_redacted pg_key_redacted(const uint8_t *key, size_t n) {
	pg_redacted r;
	PG_STATUS(r.st, picket_key_redacted(key, n, r.text, sizeof r.text, &r.len));
	return r;
}

static pg_len pg_redact(const uint8_t *text, size_t n, uint8_t *buf, size_t cap) {
	pg_len r;
	PG_STATUS(r.st, picket_redact(text, n, buf, cap, &r.len));
	return r;
}

static pg_parsed pg_authorization_parse(const uint8_t *header, size_t n, uint32_t options) {
	pg_parsed r;
	PG_STATUS(r.st, picket_authorization_parse(header, n, options, &r.kind, r.text, sizeof r.text, &r.len));
	return r;
}

typedef struct { pg_status st; uint8_t text[64]; size_t len; } pg_challenge;

static pg_challenge pg_www_authenticate(uint32_t result) {
	pg_challenge r;
	r.len = 0;
	PG_STATUS(r.st, picket_www_authenticate(result, r.text, sizeof r.text, &r.len));
	return r;
}

static pg_len pg_result_text(uint32_t result, uint8_t *buf, size_t cap) {
	pg_len r;
	r.len = 0;
	PG_STATUS(r.st, picket_result_text(result, buf, cap, &r.len));
	return r;
}

static pg_len pg_result_name(uint32_t result, uint8_t *buf, size_t cap) {
	pg_len r;
	r.len = 0;
	PG_STATUS(r.st, picket_result_name(result, buf, cap, &r.len));
	return r;
}

static pg_status pg_redirect_validate(const uint8_t *uri, size_t n, uint32_t mode, uint32_t options) {
	return pg_status_of(picket_redirect_validate(uri, n, mode, options));
}

static pg_matched pg_redirect_match(const picket_slice *registered, size_t count,
		const uint8_t *candidate, size_t n, uint32_t mode, uint32_t options) {
	pg_matched r;
	PG_STATUS(r.st, picket_redirect_match(registered, count, candidate, n, mode, options, &r.matched));
	return r;
}

static pg_status pg_pkce_verify(const uint8_t *v, size_t vn, const uint8_t *c, size_t cn,
		const uint8_t *m, size_t mn) {
	return pg_status_of(picket_pkce_verify(v, vn, c, cn, m, mn));
}

static pg_status pg_builder_set_options(picket_registry_builder *b, uint32_t options) {
	return pg_status_of(picket_registry_builder_set_options(b, options));
}

static pg_status pg_builder_add_project(picket_registry_builder *b, uint64_t project, uint32_t mode, uint32_t options) {
	return pg_status_of(picket_registry_builder_add_project(b, project, mode, options));
}

static pg_status pg_builder_add_redirect_uri(picket_registry_builder *b, uint64_t project, const uint8_t *uri, size_t n) {
	return pg_status_of(picket_registry_builder_add_redirect_uri(b, project, uri, n));
}

static pg_status pg_builder_add_key(picket_registry_builder *b, const uint8_t *digest32, uint64_t project,
		uint32_t kind, uint64_t expires_at) {
	return pg_status_of(picket_registry_builder_add_key(b, digest32, project, kind, expires_at));
}

static pg_built pg_builder_build(picket_registry_builder *b) {
	pg_built r;
	PG_STATUS(r.st, picket_registry_builder_build(b, &r.registry));
	return r;
}

static pg_built pg_registry_update(const picket_registry *reg, picket_registry_builder *changes,
		const uint64_t *removed, size_t n) {
	pg_built r;
	PG_STATUS(r.st, picket_registry_update(reg, changes, removed, n, &r.registry));
	return r;
}

static pg_auth pg_registry_authenticate(const picket_registry *reg, const uint8_t *header, size_t n,
		uint64_t now, uint32_t requirement) {
	pg_auth r;
	PG_STATUS(r.st, picket_registry_authenticate(reg, header, n, now, requirement, &r.project, &r.kind));
	return r;
}

static pg_project pg_registry_authorize_redirect(const picket_registry *reg, const uint8_t *client_id, size_t cn,
		const uint8_t *uri, size_t un, uint64_t now) {
	pg_project r;
	PG_STATUS(r.st, picket_registry_authorize_redirect(reg, client_id, cn, uri, un, now, &r.project));
	return r;
}
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Compile-time checks that the Go constants are the header's: each index below is 0 only
// when the two values are equal.
var (
	_ = [1]struct{}{}[uint32(AcceptBearer)^uint32(C.PICKET_OPTION_ACCEPT_BEARER)]
	_ = [1]struct{}{}[uint32(AllowPrivateUseSchemes)^uint32(C.PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES)]
	_ = [1]struct{}{}[uint32(LoopbackAnyPort)^uint32(C.PICKET_OPTION_LOOPBACK_ANY_PORT)]
	_ = [1]struct{}{}[KeyLen^int(C.PICKET_KEY_LEN)]
	_ = [1]struct{}{}[DigestLen^int(C.PICKET_DIGEST_LEN)]
	_ = [1]struct{}{}[RandomLen^int(C.PICKET_KEY_RANDOM_LEN)]
	_ = [1]struct{}{}[uint64(noExpiry)^uint64(C.PICKET_NO_EXPIRY)]
)

// bytesOf returns the C view of a Go string's bytes, without copying. NUL bytes are data.
// The empty string is (NULL, 0).
func bytesOf(s string) (*C.uint8_t, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// statusErr is errorOf for a status returned on its own.
func statusErr(s C.pg_status) error { return errorOf(&s) }

// errorOf turns a shim status into nil or an *Error (freeing a malloc'd message).
func errorOf(s *C.pg_status) error {
	if s.code == C.PICKET_RESULT_OK {
		return nil
	}
	var msg string
	if s.heap != nil {
		msg = C.GoStringN(s.heap, C.int(s.msg_len))
		C.free(unsafe.Pointer(s.heap))
	} else if s.msg_len > 0 {
		// A plain Go copy: C.GoStringN would make s (and the result holding it) escape to
		// the heap on every call, success included.
		msg = goString((*C.uint8_t)(unsafe.Pointer(&s.msg[0])), s.msg_len)
	}
	return newError(Code(s.code), msg)
}

func cKeyParse(key string) (KeyKind, error) {
	p, n := bytesOf(key)
	r := C.pg_key_parse(p, n)
	if err := errorOf(&r.st); err != nil {
		return 0, err
	}
	return KeyKind(r.kind), nil
}

// goString copies n bytes of a C array into a Go string. A plain Go copy: C.GoStringN
// would make the array (and the result holding it) escape to the heap.
func goString(p *C.uint8_t, n C.size_t) string {
	return string(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}

func keyText(text *[C.PICKET_KEY_LEN]C.uint8_t, n C.size_t) string {
	return goString(&text[0], n)
}

func cKeyFormat(kind KeyKind, random *[RandomLen]byte) (string, error) {
	r := C.pg_key_format(C.uint32_t(kind), (*C.uint8_t)(unsafe.Pointer(&random[0])))
	if err := errorOf(&r.st); err != nil {
		return "", err
	}
	return keyText(&r.text, r.len), nil
}

func cKeyGenerate(kind KeyKind) (string, error) {
	r := C.pg_key_generate(C.uint32_t(kind))
	if err := errorOf(&r.st); err != nil {
		return "", err
	}
	return keyText(&r.text, r.len), nil
}

func digestOf(b *[C.PICKET_DIGEST_LEN]C.uint8_t) KeyDigest {
	var d KeyDigest
	for i := range d {
		d[i] = byte(b[i])
	}
	return d
}

func cKeyDigest(key string) (KeyDigest, error) {
	p, n := bytesOf(key)
	r := C.pg_key_digest(p, n)
	if err := errorOf(&r.st); err != nil {
		return KeyDigest{}, err
	}
	return digestOf(&r.bytes), nil
}

func cKeyDigestHex(key string) (string, error) {
	p, n := bytesOf(key)
	r := C.pg_key_digest_hex(p, n)
	if err := errorOf(&r.st); err != nil {
		return "", err
	}
	return goString(&r.text[0], r.len), nil
}

func cDigestFromHex(hex string) (KeyDigest, error) {
	p, n := bytesOf(hex)
	r := C.pg_digest_from_hex(p, n)
	if err := errorOf(&r.st); err != nil {
		return KeyDigest{}, err
	}
	return digestOf(&r.bytes), nil
}

func cKeyVerify(key string, digest *KeyDigest) error {
	p, n := bytesOf(key)
	return statusErr(C.pg_key_verify(p, n, (*C.uint8_t)(unsafe.Pointer(&digest[0]))))
}

func cKeyVerifyAny(key string, digests []KeyDigest) (int, error) {
	p, n := bytesOf(key)
	var d *C.uint8_t
	if len(digests) > 0 {
		// A []KeyDigest is count*32 contiguous bytes, which is what the C ABI reads.
		d = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(digests)))
	}
	r := C.pg_key_verify_any(p, n, d, C.size_t(len(digests)))
	if err := errorOf(&r.st); err != nil {
		return -1, err
	}
	return int(r.index), nil
}

func cKeyRedacted(key string) (string, error) {
	p, n := bytesOf(key)
	r := C.pg_key_redacted(p, n)
	if err := errorOf(&r.st); err != nil {
		return "", err
	}
	return goString(&r.text[0], r.len), nil
}

func cRedact(text string) (string, error) {
	if len(text) == 0 {
		return "", nil
	}
	p, n := bytesOf(text)
	// The output is never longer than the input.
	buf := make([]byte, len(text))
	r := C.pg_redact(p, n, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	if err := errorOf(&r.st); err != nil {
		return "", err
	}
	return unsafe.String(&buf[0], int(r.len)), nil
}

func cAuthorizationParse(header string, opts Options) (Key, error) {
	p, n := bytesOf(header)
	r := C.pg_authorization_parse(p, n, C.uint32_t(opts))
	if err := errorOf(&r.st); err != nil {
		return Key{}, err
	}
	return Key{Kind: KeyKind(r.kind), text: keyText(&r.text, r.len)}, nil
}

// authHTTPStatus is picket_auth_http_status: one plain cgo call (also the benchmark of the
// bare cgo overhead).
func authHTTPStatus(code Code) int {
	return int(C.picket_auth_http_status(C.uint32_t(code)))
}

// cVersion is picket_version: a static string, never freed ("" if a panic was caught).
func cVersion() string {
	v := C.picket_version()
	if v == nil {
		return ""
	}
	return C.GoString(v)
}

func cWWWAuthenticate(code Code) string {
	r := C.pg_www_authenticate(C.uint32_t(code))
	if errorOf(&r.st) != nil || r.len == 0 {
		return ""
	}
	return goString(&r.text[0], r.len)
}

// cResultText is picket_result_text (every static text fits in 512 bytes; a longer one is
// read again into a buffer of the reported size).
func cResultText(code Code) (string, bool) {
	return cCodeString(func(buf *C.uint8_t, n C.size_t) C.pg_len {
		return C.pg_result_text(C.uint32_t(code), buf, n)
	})
}

// cResultName is picket_result_name: the rule name the C ABI gives a code (Code.String
// takes it from the generated table; a test holds the two together).
func cResultName(code Code) (string, bool) {
	return cCodeString(func(buf *C.uint8_t, n C.size_t) C.pg_len {
		return C.pg_result_name(C.uint32_t(code), buf, n)
	})
}

// cCodeString reads a code's static string with `call`, into 512 bytes or, when that is too
// small, a buffer of the reported size.
func cCodeString(call func(buf *C.uint8_t, n C.size_t) C.pg_len) (string, bool) {
	buf := make([]byte, 512)
	for {
		r := call((*C.uint8_t)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
		tooSmall := r.st.code == C.PICKET_RESULT_BUFFER_TOO_SMALL
		if err := errorOf(&r.st); err != nil {
			if tooSmall && int(r.len) > len(buf) {
				buf = make([]byte, int(r.len))
				continue
			}
			return "", false
		}
		return string(buf[:r.len]), true
	}
}

func cRedirectValidate(uri string, mode Mode, opts Options) error {
	p, n := bytesOf(uri)
	return statusErr(C.pg_redirect_validate(p, n, C.uint32_t(mode), C.uint32_t(opts)))
}

func cRedirectMatch(registered []string, candidate string, mode Mode, opts Options) (bool, error) {
	// The array of picket_slice lives in Go memory and points at the strings' bytes. cgo
	// allows Go memory that holds Go pointers to be passed to C only when those pointers are
	// pinned (Go 1.21+), so each string's bytes are pinned for the duration of the call.
	var pinner runtime.Pinner
	defer pinner.Unpin()
	var slices []C.picket_slice
	var first *C.picket_slice
	if len(registered) > 0 {
		slices = make([]C.picket_slice, len(registered))
		for i, s := range registered {
			p, n := bytesOf(s)
			if p != nil {
				pinner.Pin(p)
			}
			slices[i] = C.picket_slice{data: p, len: n}
		}
		first = &slices[0]
	}
	cp, cn := bytesOf(candidate)
	r := C.pg_redirect_match(first, C.size_t(len(slices)), cp, cn, C.uint32_t(mode), C.uint32_t(opts))
	if err := errorOf(&r.st); err != nil {
		return false, err
	}
	return bool(r.matched), nil
}

func cPKCEVerify(verifier, challenge, method string) error {
	vp, vn := bytesOf(verifier)
	cp, cn := bytesOf(challenge)
	mp, mn := bytesOf(method)
	return statusErr(C.pg_pkce_verify(vp, vn, cp, cn, mp, mn))
}

// builderHandle and registryHandle are the C handles, kept opaque to the rest of the package.
type (
	builderHandle  = *C.picket_registry_builder
	registryHandle = *C.picket_registry
)

func cBuilderNew() builderHandle { return C.picket_registry_builder_new() }

func cBuilderFree(b builderHandle) { C.picket_registry_builder_free(b) }

func cBuilderSetOptions(b builderHandle, opts Options) error {
	return statusErr(C.pg_builder_set_options(b, C.uint32_t(opts)))
}

func cBuilderAddProject(b builderHandle, project uint64, mode Mode, opts Options) error {
	return statusErr(C.pg_builder_add_project(b, C.uint64_t(project), C.uint32_t(mode), C.uint32_t(opts)))
}

func cBuilderAddRedirectURI(b builderHandle, project uint64, uri string) error {
	p, n := bytesOf(uri)
	return statusErr(C.pg_builder_add_redirect_uri(b, C.uint64_t(project), p, n))
}

func cBuilderAddKey(b builderHandle, digest *KeyDigest, project uint64, kind KeyKind, expiresAt uint64) error {
	return statusErr(C.pg_builder_add_key(b, (*C.uint8_t)(unsafe.Pointer(&digest[0])), C.uint64_t(project),
		C.uint32_t(kind), C.uint64_t(expiresAt)))
}

// cBuilderBuild always consumes b.
func cBuilderBuild(b builderHandle) (registryHandle, error) {
	r := C.pg_builder_build(b)
	if err := errorOf(&r.st); err != nil {
		return nil, err
	}
	return r.registry, nil
}

// cRegistryUpdate consumes changes, as cBuilderBuild does.
func cRegistryUpdate(r registryHandle, changes builderHandle, removed []uint64) (registryHandle, error) {
	var p *C.uint64_t
	if len(removed) > 0 {
		p = (*C.uint64_t)(unsafe.Pointer(unsafe.SliceData(removed)))
	}
	res := C.pg_registry_update(r, changes, p, C.size_t(len(removed)))
	if err := errorOf(&res.st); err != nil {
		return nil, err
	}
	return res.registry, nil
}

func cRegistryFree(r registryHandle) { C.picket_registry_free(r) }

func cRegistryAuthenticate(r registryHandle, header string, now uint64, req Requirement) (Auth, error) {
	p, n := bytesOf(header)
	res := C.pg_registry_authenticate(r, p, n, C.uint64_t(now), C.uint32_t(req))
	if res.st.code != C.PICKET_RESULT_OK {
		return Auth{}, errorOf(&res.st)
	}
	return Auth{Project: uint64(res.project), Kind: KeyKind(res.kind)}, nil
}

func cRegistryAuthorizeRedirect(r registryHandle, clientID, redirectURI string, now uint64) (uint64, error) {
	cp, cn := bytesOf(clientID)
	up, un := bytesOf(redirectURI)
	res := C.pg_registry_authorize_redirect(r, cp, cn, up, un, C.uint64_t(now))
	if err := errorOf(&res.st); err != nil {
		return 0, err
	}
	return uint64(res.project), nil
}
