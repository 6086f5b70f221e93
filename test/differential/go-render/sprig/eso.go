// Package sprig holds what ESO 2.9's Sprig fork (runtime/template/v2/sprig: Sprig v3.3.0 without env,
// expandenv and getHostByName) changes, written from its documented behaviour. It is named sprig so that
// text/template's type errors name the parameter type as ESO's do ("expected sprig.HashAlgorithm").
package sprig

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// HashAlgorithm is htpasswd's third parameter: a named string type, so a template passes it as a literal
// ("sha"); a string value from the data fails text/template's type check, as in ESO.
type HashAlgorithm string

// Hexdec decodes hex; on bad input it returns the decoder's error text instead of failing.
func Hexdec(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// Htpasswd returns an htpasswd line: "sha" gives {SHA} (base64 of SHA-1), anything else bcrypt.
func Htpasswd(bcrypt func(string) string) func(string, string, HashAlgorithm) string {
	return func(user, password string, algo HashAlgorithm) string {
		if strings.Contains(user, ":") {
			return fmt.Sprintf("invalid username: %s", user)
		}
		if algo == "sha" {
			sum := sha1.Sum([]byte(password))
			return fmt.Sprintf("%s:{SHA}%s", user, base64.StdEncoding.EncodeToString(sum[:]))
		}
		return fmt.Sprintf("%s:%s", user, bcrypt(password))
	}
}
