// Seeding: the store filled with the tenants, through the store package (an import), in
// batches of one transaction each.

package main

import (
	"context"
	"fmt"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// tenant is a project and its keys (the first one secret).
type tenant struct {
	id   int64
	keys []string
}

func seed(ctx context.Context, cfg config) ([]tenant, error) {
	st, err := store.Open(ctx, cfg.data, cfg.db, store.WithTimeout(time.Minute))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if v, err := st.Version(ctx); err != nil || v != 1 {
		return nil, fmt.Errorf("the store is not empty (version %d, %v)", v, err)
	}
	t0 := time.Now()
	tenants := make([]tenant, 0, cfg.projects)
	const batch = 1000
	for first := 0; first < cfg.projects; first += batch {
		var nps []store.NewProject
		var keys [][]string
		for p := first; p < min(first+batch, cfg.projects); p++ {
			np := store.NewProject{Name: fmt.Sprintf("tenant %d", p), Mode: picket.Production,
				URIs: []string{fmt.Sprintf("https://tenant%d.example/callback", p)}}
			var texts []string
			for i := 0; i < cfg.keysPerProject; i++ {
				kind := picket.Publishable
				if i == 0 {
					kind = picket.Secret
				}
				k, err := picket.GenerateKey(kind)
				if err != nil {
					return nil, err
				}
				d, err := k.Digest()
				if err != nil {
					return nil, err
				}
				np.Keys = append(np.Keys, store.NewKey{Kind: kind, Digest: d})
				texts = append(texts, k.Expose())
			}
			nps = append(nps, np)
			keys = append(keys, texts)
		}
		made, err := st.ImportProjects(ctx, nps, time.Now())
		if err != nil {
			return nil, err
		}
		for i, p := range made {
			tenants = append(tenants, tenant{id: p.ID, keys: keys[i]})
		}
	}
	fmt.Fprintf(stderr, "seeded %d projects, %d keys, in %s\n", len(tenants), len(tenants)*cfg.keysPerProject, time.Since(t0).Round(time.Millisecond))
	return tenants, nil
}
