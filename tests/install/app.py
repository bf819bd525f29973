"""The FastAPI app tests/install/python.sh serves with uvicorn, in each venv: the README's
FastAPI quick start with the README's two keys registered, and a publishable-key route."""

import picket
from fastapi import Depends, FastAPI
from picket.fastapi import PicketAuth, add_error_handler

builder = picket.RegistryBuilder().add_project(1, picket.Mode.PRODUCTION)
builder.add_key(picket.digest("sk_e1f767d29fa6e533f2e5c62342fb9e24"), 1, picket.KeyKind.SECRET)
builder.add_key(picket.digest("pk_d9960d04426c1e9f3941bec7e39c8854"), 1, picket.KeyKind.PUBLISHABLE)
registry = builder.build()
app = FastAPI()
add_error_handler(app)
secret_key = PicketAuth(registry, picket.Requirement.SECRET)
any_key = PicketAuth(registry, picket.Requirement.ANY)


@app.get("/admin")
async def admin(auth: picket.Auth = Depends(secret_key)) -> dict:  # noqa: B008 (FastAPI)
    return {"project": auth.project, "kind": auth.kind.name}


@app.get("/widget")
async def widget(auth: picket.Auth = Depends(any_key)) -> dict:  # noqa: B008
    return {"project": auth.project, "kind": auth.kind.name}
