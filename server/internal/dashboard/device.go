// Device cookies: a browser that has logged in to an account carries proof of it, so that
// its log-ins to that account are limited by a bucket of their own and not by the
// account's, which anyone may empty. Without it, an attacker who fails LoginPerAccount's
// burst and then one log-in a minute keeps the account's owner locked out for as long as
// they like. (OWASP's "Slow Brute Force" answer, device cookies.)

package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

const (
	deviceCookie = "picket_device"
	// deviceCookieAge is how long a browser stays known after its last log-in.
	deviceCookieAge = 90 * 24 * time.Hour
	deviceNonceLen  = 16
	deviceLabel     = "picket-server device v1\x00"
)

// deviceMAC is the MAC of a device cookie's nonce for the account with emailKey.
func (d *Dashboard) deviceMAC(nonce []byte, emailKey string) []byte {
	m := hmac.New(sha256.New, d.deviceKey)
	m.Write([]byte(deviceLabel))
	m.Write(nonce)
	m.Write([]byte{0})
	m.Write([]byte(emailKey))
	return m.Sum(nil)
}

// knownDevice is the limiter key of r's device cookie when it was set by a log-in to the
// account with emailKey (on this server process: the MAC key is made at start); ok is
// false for no cookie, a forged one, or one of another account.
func (d *Dashboard) knownDevice(r *http.Request, emailKey string) (key string, ok bool) {
	c, err := r.Cookie(d.cookieName(r, deviceCookie))
	if err != nil {
		return "", false
	}
	n64, m64, found := strings.Cut(c.Value, ".")
	nonce, err1 := base64.RawURLEncoding.DecodeString(n64)
	mac, err2 := base64.RawURLEncoding.DecodeString(m64)
	if !found || err1 != nil || err2 != nil || len(nonce) != deviceNonceLen {
		return "", false
	}
	if !hmac.Equal(mac, d.deviceMAC(nonce, emailKey)) {
		return "", false
	}
	return "device:" + n64, true
}

// rememberDevice sets the device cookie of a log-in to the account with emailKey.
func (d *Dashboard) rememberDevice(w http.ResponseWriter, r *http.Request, emailKey string) error {
	nonce := make([]byte, deviceNonceLen)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	b64 := base64.RawURLEncoding
	d.setCookie(w, r, deviceCookie, b64.EncodeToString(nonce)+"."+b64.EncodeToString(d.deviceMAC(nonce, emailKey)), deviceCookieAge)
	return nil
}
