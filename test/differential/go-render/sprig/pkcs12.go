// ESO 2.9's PKCS#12 functions (runtime/template/v2/pkcs12.go), written from their documented behaviour
// for the reference side, on go-pkcs12 at the version ESO pins: DecodeChain to read (key as PKCS#8 PEM;
// certificates as PEM, chain-ordered when possible), Modern.Encode / Modern.EncodeTrustStore to write
// (base64 out). Like ESO, the PEM inputs are not checked for a missing block (Go then panics, which
// text/template reports as an error).
package sprig

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// Pkcs12KeyPass is ESO's pkcs12keyPass.
func Pkcs12KeyPass(pass, input string) (string, error) {
	key, _, _, err := gopkcs12.DecodeChain([]byte(input), pass)
	if err != nil {
		return "", fmt.Errorf("unable to decode pkcs12 with password: %s", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// Pkcs12CertPass is ESO's pkcs12certPass.
func Pkcs12CertPass(pass, input string) (string, error) {
	_, cert, cas, err := gopkcs12.DecodeChain([]byte(input), pass)
	if err != nil {
		return "", fmt.Errorf("unable to decode pkcs12 certificate with password: %s", err)
	}
	all := pemOf(cert.Raw)
	for _, c := range cas {
		all += pemOf(c.Raw)
	}
	chain, err := chainOrder([]byte(all))
	if err != nil {
		return all, nil
	}
	out := ""
	for _, c := range chain {
		out += pemOf(c.Raw)
	}
	return out, nil
}

func parseKey(der []byte) (any, error) {
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("unable to parse private key type")
}

// certsUntilEnd parses PEM certificates until the input is used up (a nil block panics, as in ESO).
func certsUntilEnd(rest []byte) ([]*x509.Certificate, error) {
	out := []*x509.Certificate{}
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// PemToPkcs12Pass is ESO's pemToPkcs12Pass (full=false) and fullPemToPkcs12Pass (full=true).
func PemToPkcs12Pass(full bool) func(cert, key, pass string) (string, error) {
	return func(cert, key, pass string) (string, error) {
		block, rest := pem.Decode([]byte(cert))
		leaf, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "", err
		}
		var cas []*x509.Certificate
		if full {
			if cas, err = certsUntilEnd(rest); err != nil {
				return "", err
			}
		}
		keyBlock, _ := pem.Decode([]byte(key))
		k, err := parseKey(keyBlock.Bytes)
		if err != nil {
			return "", err
		}
		pfx, err := gopkcs12.Modern.Encode(k, leaf, cas, pass)
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(pfx), nil
	}
}

// PemTruststoreToPKCS12Pass is ESO's pemTruststoreToPKCS12Pass.
func PemTruststoreToPKCS12Pass(cert, pass string) (string, error) {
	cas, err := certsUntilEnd([]byte(cert))
	if err != nil {
		return "", err
	}
	pfx, err := gopkcs12.Modern.EncodeTrustStore(cas, pass)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(pfx), nil
}
