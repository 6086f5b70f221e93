// go-render: the reference side of the differential template test. It renders each case with Go's own
// text/template plus Sprig, configured exactly as External Secrets Operator 2.9's engine v2 does
// (missingkey=error; Sprig v3.3.0's TxtFuncMap changed as ESO's fork changes it: no env, expandenv or
// getHostByName, plus hexdec and a three-argument htpasswd (./sprig); ESO's PEM and PKCS#12 functions on
// go-pkcs12 v0.7.0 (./sprig); Sprig's dependencies at the
// versions ESO 2.9 builds with (go.mod); toYaml/fromYaml over sigs.k8s.io/yaml),
// and with the data map typed as ESO passes it (map[string]string).
// Input on stdin: JSON [{"name","template","data":{k: v}}]; output on stdout: JSON
// [{"ok":true,"out":"<base64>"} | {"ok":false,"err":"..."}], one per case, in order.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"

	esosprig "secrets-bridge.local/go-render/sprig"
)

type testCase struct {
	Name     string            `json:"name"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data"`
}

type result struct {
	OK  bool   `json:"ok"`
	Out string `json:"out,omitempty"`
	Err string `json:"err,omitempty"`
}

// ESO's toYAML/fromYAML (runtime/template/v2).
func toYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	delete(f, "getHostByName")
	f["hexdec"] = esosprig.Hexdec
	f["htpasswd"] = esosprig.Htpasswd(f["bcrypt"].(func(string) string))
	// ESO's own PEM and PKCS#12 functions (runtime/template/v2), on go-pkcs12 as ESO pins it.
	f["filterPEM"] = esosprig.FilterPEM
	f["filterCertChain"] = esosprig.FilterCertChain
	f["pkcs12key"] = func(in string) (string, error) { return esosprig.Pkcs12KeyPass("", in) }
	f["pkcs12keyPass"] = esosprig.Pkcs12KeyPass
	f["pkcs12cert"] = func(in string) (string, error) { return esosprig.Pkcs12CertPass("", in) }
	f["pkcs12certPass"] = esosprig.Pkcs12CertPass
	f["pemToPkcs12"] = func(c, k string) (string, error) { return esosprig.PemToPkcs12Pass(false)(c, k, "") }
	f["pemToPkcs12Pass"] = esosprig.PemToPkcs12Pass(false)
	f["fullPemToPkcs12"] = func(c, k string) (string, error) { return esosprig.PemToPkcs12Pass(true)(c, k, "") }
	f["fullPemToPkcs12Pass"] = esosprig.PemToPkcs12Pass(true)
	f["pemTruststoreToPKCS12"] = func(c string) (string, error) { return esosprig.PemTruststoreToPKCS12Pass(c, "") }
	f["pemTruststoreToPKCS12Pass"] = esosprig.PemTruststoreToPKCS12Pass
	f["toYaml"] = toYAML
	f["fromYaml"] = fromYAML
	return f
}

func render(c testCase, fm template.FuncMap) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res = result{OK: false, Err: "panic"}
		}
	}()
	name := c.Name
	if name == "" {
		name = "t"
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(fm).Parse(c.Template)
	if err != nil {
		return result{OK: false, Err: err.Error()}
	}
	data := c.Data
	if data == nil {
		data = map[string]string{}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return result{OK: false, Err: err.Error()}
	}
	return result{OK: true, Out: base64.StdEncoding.EncodeToString(buf.Bytes())}
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		os.Stderr.WriteString("go-render: bad input: " + err.Error() + "\n")
		os.Exit(2)
	}
	fm := funcs()
	out := make([]result, len(cases))
	for i, c := range cases {
		out[i] = render(c, fm)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(3)
	}
}
