package store

import (
	"context"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// Changes lists the projects changed after a version, each as it is now; says Full when
// the log does not reach back that far or too many projects changed; nothing when the
// store is at that version.
func TestChanges(t *testing.T) {
	for name, s := range openKinds(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			now := time.Now()
			v0, err := s.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := s.Changes(ctx, v0, now); err != nil || c.Version != v0 || c.Full || len(c.Projects) != 0 {
				t.Fatalf("nothing changed: %+v %v", c, err)
			}
			digest := func(b byte) picket.KeyDigest { var d picket.KeyDigest; d[0], d[1] = b, 7; return d }
			p1, _, err := s.CreateProject(ctx, NewProject{Name: "a", Mode: picket.Development, URIs: []string{"https://a.example/cb"},
				Keys: []NewKey{{Kind: picket.Secret, Digest: digest(1)}}}, now)
			if err != nil {
				t.Fatal(err)
			}
			p2, _, err := s.CreateProject(ctx, NewProject{Name: "b", Mode: picket.Production}, now)
			if err != nil {
				t.Fatal(err)
			}
			k, err := s.IssueKey(ctx, p2.ID, NewKey{Kind: picket.Publishable, Digest: digest(2)}, 0, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.RevokeKey(ctx, k.ID, Actor{Force: true}, now); err != nil {
				t.Fatal(err)
			}
			c, err := s.Changes(ctx, v0, now)
			if err != nil || c.Full || c.Version != v0+4 || len(c.Projects) != 2 || len(c.Removed) != 0 {
				t.Fatalf("two projects changed (four changes): %+v %v", c, err)
			}
			a, b := c.Projects[0], c.Projects[1]
			if a.Project.ID != p1.ID || len(a.URIs) != 1 || len(a.Keys) != 1 || b.Project.ID != p2.ID || len(b.Keys) != 0 || b.Project.Mode != picket.Production {
				t.Fatalf("the projects as they are now: %+v", c.Projects)
			}
			// Since the last change: only the revocation's project.
			if c, err := s.Changes(ctx, v0+3, now); err != nil || len(c.Projects) != 1 || c.Projects[0].Project.ID != p2.ID {
				t.Fatalf("since v0+3: %+v %v", c, err)
			}
			// A change whose project is gone is a removal.
			if _, err := s.db.ExecContext(ctx, s.q("INSERT INTO changes (version, project_id) VALUES (?, ?)"), v0+5, 999); err != nil {
				t.Fatal(err)
			}
			if _, err := s.db.ExecContext(ctx, "UPDATE store_version SET version = version + 1 WHERE id = 1"); err != nil {
				t.Fatal(err)
			}
			if c, err := s.Changes(ctx, v0+4, now); err != nil || len(c.Projects) != 0 || len(c.Removed) != 1 || c.Removed[0] != 999 {
				t.Fatalf("a project gone: %+v %v", c, err)
			}
			// The log trimmed past the version asked about: Full.
			if _, err := s.db.ExecContext(ctx, s.q("DELETE FROM changes WHERE version <= ?"), v0+2); err != nil {
				t.Fatal(err)
			}
			if c, err := s.Changes(ctx, v0+1, now); err != nil || !c.Full {
				t.Fatalf("a log that does not reach back: %+v %v", c, err)
			}
			if c, err := s.Changes(ctx, v0+2, now); err != nil || c.Full {
				t.Fatalf("a log that just reaches back: %+v %v", c, err)
			}
			// More projects than MaxChangedProjects: Full.
			v, _ := s.Version(ctx)
			many := make([]NewProject, MaxChangedProjects+1)
			for i := range many {
				many[i] = NewProject{Name: "m", Mode: picket.Development}
			}
			if _, err := s.ImportProjects(ctx, many, now); err != nil {
				t.Fatal(err)
			}
			if c, err := s.Changes(ctx, v, now); err != nil || !c.Full || c.Version != v+int64(len(many)) {
				t.Fatalf("too many projects: %+v %v", c, err)
			}
		})
	}
}
