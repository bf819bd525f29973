package picket

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEveryEntryPointHasAnExample: every exported function and method of the package has a
// runnable Example (example_test.go), so that each entry point's documentation shows it in
// use. The methods that only satisfy fmt, slog and error interfaces are shown by
// ExampleKey_String and ExampleError_Is instead.
func TestEveryEntryPointHasAnExample(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	pkg, err := doc.NewFromFiles(fset, files, "github.com/picket-dev/picket/bindings/go")
	if err != nil {
		t.Fatal(err)
	}
	interfaceOnly := map[string]bool{"Key.Format": true, "Key.GoString": true, "Key.LogValue": true, "Error.Error": true}
	missing := []string{}
	check := func(name string, examples []*doc.Example) {
		if len(examples) == 0 && !interfaceOnly[name] {
			missing = append(missing, name)
		}
	}
	n := 0
	for _, f := range pkg.Funcs {
		check(f.Name, f.Examples)
		n++
	}
	for _, typ := range pkg.Types {
		for _, f := range typ.Funcs {
			check(f.Name, f.Examples)
			n++
		}
		for _, m := range typ.Methods {
			check(typ.Name+"."+m.Name, m.Examples)
			n++
		}
	}
	if n < 40 {
		t.Fatalf("only %d entry points found", n)
	}
	if len(missing) > 0 {
		t.Fatalf("no Example for: %s", strings.Join(missing, ", "))
	}
}
