// ESO 2.9's PEM functions (runtime/template/v2: pem.go, pem_chain.go), written from their documented
// behaviour for the reference side: filterPEM keeps the blocks of one type (case-insensitive) after
// dropping text before the first "-----BEGIN", and fails on junk only when nothing matched;
// filterCertChain orders certificates by authority/subject key identifiers and picks leaf,
// intermediates or root.
package sprig

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
)

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// FilterPEM is ESO's filterPEM.
func FilterPEM(pemType, input string) (string, error) {
	if i := strings.Index(input, "-----BEGIN"); i >= 0 {
		input = input[i:]
	}
	rest := []byte(input)
	var out bytes.Buffer
	for {
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = next
		if strings.EqualFold(block.Type, pemType) {
			if err := pem.Encode(&out, block); err != nil {
				return "", err
			}
		}
	}
	if out.Len() == 0 && len(rest) != 0 {
		return "", errors.New("error filtering pem: found junk")
	}
	return out.String(), nil
}

// chainOrder returns the certificates leaf first, each followed by the first other certificate whose
// subject key id is its authority key id.
func chainOrder(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	parent := make([]int, len(certs))
	isParent := make([]bool, len(certs))
	for i := range certs {
		parent[i] = -1
		for j := range certs {
			if i != j && bytes.Equal(certs[i].AuthorityKeyId, certs[j].SubjectKeyId) {
				parent[i], isParent[j] = j, true
				break
			}
		}
	}
	leaf := -1
	for i := range certs {
		if !isParent[i] {
			if leaf >= 0 {
				return nil, errors.New("found multiple leaf or disjunct certificates")
			}
			leaf = i
		}
	}
	if leaf < 0 {
		return nil, errors.New("no leaf certificate found")
	}
	var out []*x509.Certificate
	for at := leaf; at >= 0; at = parent[at] {
		if len(out) >= len(certs) {
			return nil, errors.New("constructing chain resulted in cycle")
		}
		out = append(out, certs[at])
	}
	return out, nil
}

func isRoot(c *x509.Certificate) bool {
	return c.AuthorityKeyId == nil || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId)
}

// FilterCertChain is ESO's filterCertChain.
func FilterCertChain(certType, input string) (string, error) {
	chain, err := chainOrder([]byte(input))
	if err != nil {
		return "", err
	}
	switch certType {
	case "leaf":
		if c := chain[0]; c.AuthorityKeyId != nil && !bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId) {
			return pemOf(c.Raw), nil
		}
	case "intermediate":
		var out string
		for _, c := range chain[1:] {
			if isRoot(c) {
				break
			}
			out += pemOf(c.Raw)
		}
		return out, nil
	case "root":
		if c := chain[len(chain)-1]; isRoot(c) {
			return pemOf(c.Raw), nil
		}
	}
	return "", nil
}
