// Type-checked by test.sh: the declarations as a CommonJS consumer sees them.
import picket = require("picket-node");

const key: picket.Key = picket.parseKey("pk_d9960d04426c1e9f3941bec7e39c8854");
const digest: Buffer = key.digest();
const ok: boolean = picket.verify(key, digest);
const r: picket.Registry = new picket.RegistryBuilder().build();
const shared: picket.SharedRegistry = r.share();
void [ok, shared, picket.Registry.fromShared(shared)];
